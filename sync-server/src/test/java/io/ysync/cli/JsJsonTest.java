package io.ysync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.codec.Undefined;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON output as JavaScript writes it; every expected string is what Node 20 prints for the same value. */
class JsJsonTest {
  @Test
  void jsNumberToString_matchesJavaScript() {
    Object[][] cases = {
        {1.0, "1"}, {-0.0, "0"}, {0.5, "0.5"}, {100.0, "100"}, {1e21, "1e+21"}, {1e-7, "1e-7"},
        {1.5e-7, "1.5e-7"}, {0.000001, "0.000001"}, {123456789012345680000.0, "123456789012345680000"},
        {0.1 + 0.2, "0.30000000000000004"}, {-1.5e300, "-1.5e+300"}, {5e-324, "5e-324"},
        {Double.MAX_VALUE, "1.7976931348623157e+308"}, {9007199254740992.0, "9007199254740992"},
        {2147483648.0, "2147483648"}, {-123.456, "-123.456"}, {1.7, "1.7"}};
    for (Object[] c : cases) {
      assertEquals(c[1], JsJson.jsNumberToString((Double) c[0]), "for " + c[0]);
    }
  }

  @Test
  void write_valuesAsJsonStringify() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("u", Undefined.INSTANCE);
    m.put("b", new byte[] {1, 2, 3});
    m.put("l", Arrays.asList(Undefined.INSTANCE, null, Double.NaN, 2.5f, 7L, "\u00e9\ud83d\ude00"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsJson.write(out, m);
    assertEquals("{\"b\":{\"$bytes\":\"AQID\"},\"l\":[null,null,null,2.5,7,\"\u00e9\ud83d\ude00\"]}\n",
        out.toString(StandardCharsets.UTF_8));
  }
}
