package dev.updraft.mesh.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.BreakerConfig;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BreakerTest {
  private static final long SECOND = 1_000_000_000L;
  private final Breaker breaker =
      new Breaker(
          new BreakerConfig(3, Duration.ofSeconds(1), Duration.ofSeconds(4), 0.0),
          RandomGenerator.of("L64X128MixRandom"));

  @Test
  void opensAfterConsecutiveFailuresProbesOnceAndCloses() {
    assertThat(breaker.onFailure(0)).isEqualTo(-1);
    breaker.onSuccess(); // resets the count
    breaker.onFailure(0);
    breaker.onFailure(0);
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(breaker.onFailure(0)).isEqualTo(SECOND);
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    assertThat(breaker.isReady(SECOND - 1)).isFalse();
    assertThat(breaker.isReady(SECOND)).isTrue();

    breaker.admit(SECOND);
    assertThat(breaker.state()).isEqualTo(Breaker.State.PROBING);
    assertThat(breaker.isReady(SECOND)).as("only one probe at a time").isFalse();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(breaker.isReady(SECOND)).isTrue();
  }

  @Test
  void aCancelledProbeHandsTheProbeToTheNextRequest() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure(0);
    }
    assertThat(breaker.admit(0)).as("not yet: the breaker is open").isFalse();
    assertThat(breaker.admit(SECOND)).as("the first request after the backoff probes").isTrue();
    assertThat(breaker.admit(SECOND)).as("one probe at a time").isFalse();
    assertThat(breaker.isReady(SECOND)).isFalse();

    breaker.onProbeCancelled(); // its client went away: no verdict
    assertThat(breaker.state()).isEqualTo(Breaker.State.PROBING);
    assertThat(breaker.isReady(SECOND)).as("not stuck waiting for a verdict").isTrue();
    assertThat(breaker.admit(SECOND)).isTrue();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
  }

  @Test
  void failedProbesDoubleTheBackoffUpToTheMaximum() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure(0);
    }
    long now = SECOND;
    long[] expected = {2 * SECOND, 4 * SECOND, 4 * SECOND};
    for (long backoff : expected) {
      breaker.admit(now);
      long reopen = breaker.onFailure(now);
      assertThat(reopen - now).isEqualTo(backoff);
      now = reopen;
    }
  }

  @Test
  void jitterLengthensBackoffWithinItsRatio() {
    Breaker jittery =
        new Breaker(
            new BreakerConfig(1, Duration.ofSeconds(1), Duration.ofSeconds(60), 0.5),
            RandomGenerator.of("L64X128MixRandom"));
    long reopen = jittery.onFailure(0);
    assertThat(reopen).isBetween(SECOND, SECOND + SECOND / 2);
  }
}
