package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final RateLimitedLog log = RateLimitedLog.of(LoggerFactory.getLogger(RateLimitedLogTest.class), 3,
      clock::get);

  @Test
  void admit_burstOfOneSecond_thenDropsAndCounts_nextLineCarriesTheCount() {
    assertEquals(0, log.admit("refused"));
    assertEquals(0, log.admit("refused"));
    assertEquals(0, log.admit("refused"));
    for (int i = 0; i < 5; i++) {
      assertEquals(-1, log.admit("refused"));
    }
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(334)); // one line's worth of tokens
    assertEquals(5, log.admit("refused"));
    assertEquals(-1, log.admit("refused"));
    clock.addAndGet(TimeUnit.SECONDS.toNanos(10)); // the bucket holds one second's worth, not ten
    assertEquals(1, log.admit("refused"));
    assertEquals(0, log.admit("refused"));
    assertEquals(0, log.admit("refused"));
    assertEquals(-1, log.admit("refused"));
  }

  @Test
  void admit_kindsHaveTheirOwnBuckets() {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, log.admit("a"));
    }
    assertEquals(-1, log.admit("a"));
    assertEquals(0, log.admit("b"));
  }

  @Test
  void writing_overTheRate_doesNotThrow_andRateMustBePositive() {
    for (int i = 0; i < 10; i++) {
      log.info("test_line", "i={} text=\"{}\"", i, LogText.safe("x\ny"));
    }
    assertEquals(3, log.linesPerSecond());
    assertThrows(IllegalArgumentException.class,
        () -> RateLimitedLog.of(LoggerFactory.getLogger(RateLimitedLogTest.class), 0, clock::get));
  }
}
