package dev.updraft.vmm.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterStateTest {
  private final FakeTimers timers = new FakeTimers();

  @Test
  void aRestoredLimiterHasTheTokensLeftAndEarnsOnlyWhatTheTimeSinceIsWorth() {
    // 1000 bytes per second, a 500-byte burst; 10 ops per second.
    RateLimiter limiter =
        new RateLimiter(
            new RateLimiterConfig(
                new TokenBucketConfig(1000, 500, 1000), new TokenBucketConfig(10, 0, 1000)),
            timers,
            () -> {});
    assertThat(limiter.consume(700, TokenType.BYTES)).isTrue(); // 500 burst + 200 budget
    assertThat(limiter.consume(3, TokenType.OPS)).isTrue();
    timers.advance(Duration.ofMillis(100));
    RateLimiterState saved = limiter.save();
    assertThat(saved.bandwidth().budget()).isEqualTo(800);
    assertThat(saved.bandwidth().oneTimeBurst()).isZero();
    assertThat(saved.bandwidth().elapsedNanos()).isEqualTo(100_000_000L);
    assertThat(saved.ops().budget()).isEqualTo(7);

    StateWriter out = new StateWriter();
    saved.write(out);
    RateLimiterState decoded = RateLimiterState.read(new StateReader(out.toByteArray(), "rl"));
    assertThat(decoded).isEqualTo(saved);

    FakeTimers later = new FakeTimers();
    later.advance(Duration.ofDays(3)); // another process: its clock starts elsewhere
    RateLimiter restored = new RateLimiter(RateLimiterConfig.UNLIMITED, later, () -> {});
    restored.restore(decoded);
    assertThat(restored.config())
        .isEqualTo(
            new RateLimiterConfig(
                new TokenBucketConfig(1000, 500, 1000), new TokenBucketConfig(10, 0, 1000)));
    // 800 left plus 100 ms worth (100) since the last refill: 900, not a full bucket.
    assertThat(restored.consume(900, TokenType.BYTES)).isTrue();
    assertThat(restored.consume(1, TokenType.BYTES)).isFalse();
    assertThat(restored.save()).isNotEqualTo(saved);
  }

  @Test
  void noBucketsMeansUnlimitedAfterARestore() {
    RateLimiter limited =
        new RateLimiter(
            new RateLimiterConfig(new TokenBucketConfig(1, 0, 1000), TokenBucketConfig.DISABLED),
            timers,
            () -> {});
    limited.restore(RateLimiterState.UNLIMITED);
    assertThat(limited.consume(Long.MAX_VALUE, TokenType.BYTES)).isTrue();
    assertThat(limited.config()).isEqualTo(RateLimiterConfig.UNLIMITED);
  }

  @Test
  void aBucketStateOutsideItsConfigurationIsRefused() {
    TokenBucketConfig config = new TokenBucketConfig(100, 10, 1000);
    assertThatThrownBy(() -> new TokenBucketState(config, 101, 0, 0))
        .hasMessage("budget: 101 (expected: 0..100)");
    assertThatThrownBy(() -> new TokenBucketState(config, 1, 11, 0))
        .hasMessage("one_time_burst left: 11 (expected: 0..10)");
    assertThatThrownBy(() -> new TokenBucketState(TokenBucketConfig.DISABLED, 0, 0, 0))
        .hasMessageContaining("expected: size and refill_time > 0");
  }
}
