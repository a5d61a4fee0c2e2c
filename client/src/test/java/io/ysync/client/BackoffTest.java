package io.ysync.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void baseDelay_default_doublesFrom200msAndIsCappedAt2500ms() {
    Backoff b = Backoff.DEFAULT;
    assertEquals(Duration.ofMillis(200), b.baseDelay(1));
    assertEquals(Duration.ofMillis(400), b.baseDelay(2));
    assertEquals(Duration.ofMillis(800), b.baseDelay(3));
    assertEquals(Duration.ofMillis(1600), b.baseDelay(4));
    assertEquals(Duration.ofMillis(2500), b.baseDelay(5));
    assertEquals(Duration.ofMillis(2500), b.baseDelay(1_000));
    assertEquals(Duration.ofMillis(2500), b.baseDelay(Integer.MAX_VALUE));
  }

  @Test
  void delay_randomZero_isTheBaseDelay_andJitterShortensUpToTheFraction() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 3.0, 0.5);
    assertEquals(Duration.ofMillis(900), b.delay(3, 0.0));
    assertEquals(Duration.ofMillis(675), b.delay(3, 0.5));
    assertEquals(Duration.ofMillis(100), Backoff.fixed(Duration.ofMillis(100)).delay(7, 0.99));
  }

  @Test
  void delay_anyFailureCountAndRandom_staysWithinJitterBoundsAndCap() {
    Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofMillis(5_000), 1.7, 0.3);
    qt().forAll(integers().between(1, 10_000), doubles().between(0.0, 0.999_999_999))
        .checkAssert((failures, random) -> {
          long base = b.baseDelay(failures).toNanos();
          long delay = b.delay(failures, random).toNanos();
          assertTrue(base <= Duration.ofMillis(5_000).toNanos(), "base capped");
          assertTrue(base >= Duration.ofMillis(50).toNanos(), "base at least the initial delay");
          assertTrue(delay <= base, "jitter only shortens");
          assertTrue(delay >= (long) (base * 0.7) - 1, "shortened by at most 30%: " + delay + " of " + base);
        });
  }

  @Test
  void baseDelay_growsMonotonically() {
    Backoff b = Backoff.DEFAULT;
    qt().forAll(integers().between(1, 100)).checkAssert(n ->
        assertTrue(b.baseDelay(n).compareTo(b.baseDelay(n + 1)) <= 0));
  }

  @Test
  void constructor_invalidSettings_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1), 2, 0));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0.5, 0));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2, -0.1));
    assertThrows(IllegalArgumentException.class, () -> Backoff.DEFAULT.baseDelay(0));
    assertThrows(IllegalArgumentException.class, () -> Backoff.DEFAULT.delay(1, 1.0));
  }
}
