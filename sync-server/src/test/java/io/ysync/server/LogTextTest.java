package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void plainText_isReturnedAsItIs() {
    String s = "room-1/äöü 😀";
    assertSame(s, LogText.safe(s));
  }

  @Test
  void lineBreaksAndControlCharacters_areEscaped() {
    assertEquals("a\\nevent=forged level=ERROR\\r\\tb", LogText.safe("a\nevent=forged level=ERROR\r\tb"));
    assertEquals("\\u0000\\u001b[31m\\u007f\\u0085\\u2028", LogText.safe("\u0000\u001b[31m\u007f\u0085\u2028"));
    assertEquals("q\\\"\\\\", LogText.safe("q\"\\"));
  }

  @Test
  void loneSurrogates_areEscaped_pairsKept() {
    assertEquals("\\ud800x\\udc00", LogText.safe("\ud800x\udc00"));
    assertEquals("\ud83d\ude00", LogText.safe("\ud83d\ude00"));
  }

  @Test
  void longText_isCut() {
    String s = "x".repeat(LogText.MAX_CHARS + 10);
    assertEquals("x".repeat(LogText.MAX_CHARS) + "...(+10 chars)", LogText.safe(s));
  }

  @Test
  void null_isTheWordNull() {
    assertEquals("null", LogText.safe(null));
  }
}
