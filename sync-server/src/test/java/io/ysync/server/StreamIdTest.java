package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamIdTest {
  @Test
  void parse_readsRedisIds_andPrintsThemBack() {
    assertEquals(new StreamId(1733500000123L, 7), StreamId.parse("1733500000123-7"));
    assertEquals("1733500000123-7", StreamId.parse("1733500000123-7").toString());
    assertEquals(StreamId.ZERO, StreamId.parse("0-0"));
  }

  @Test
  void order_isByMillisThenSequence() {
    List<StreamId> ids = new ArrayList<>(List.of(StreamId.parse("10-0"), StreamId.parse("9-99"),
        StreamId.parse("10-2"), StreamId.parse("10-10"), StreamId.ZERO));
    ids.sort(null);
    assertEquals(List.of("0-0", "9-99", "10-0", "10-2", "10-10"), ids.stream().map(StreamId::toString).toList());
    assertTrue(StreamId.parse("10-10").isAfter(StreamId.parse("10-2")));
    assertFalse(StreamId.parse("10-2").isAfter(StreamId.parse("10-2")));
  }

  @Test
  void next_isTheSmallestLaterId() {
    assertEquals(StreamId.parse("5-4"), StreamId.parse("5-3").next());
    assertEquals(new StreamId(6, 0), new StreamId(5, Long.MAX_VALUE).next());
  }

  @Test
  void malformedIds_areRefusedWithTheTextEscaped() {
    for (String bad : new String[] {"", "-", "5-", "-5", "5", "a-1", "1-b", "1-2-3", "-1-2"}) {
      assertThrows(IllegalArgumentException.class, () -> StreamId.parse(bad), bad);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamId.parse("1\n-2"));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
