package dev.updraft.vmm.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final FakeTimers timers = new FakeTimers();
  private final AtomicInteger wakeups = new AtomicInteger();

  private RateLimiter limiter(TokenBucketConfig bandwidth, TokenBucketConfig ops) {
    return new RateLimiter(new RateLimiterConfig(bandwidth, ops), timers, wakeups::incrementAndGet);
  }

  @Test
  void withoutBucketsEverythingPassesAndNoTimerIsArmed() {
    RateLimiter limiter = limiter(TokenBucketConfig.DISABLED, TokenBucketConfig.DISABLED);
    assertThat(limiter.consume(Long.MAX_VALUE, TokenType.BYTES)).isTrue();
    assertThat(limiter.consumeOperation(1 << 30)).isTrue();
    assertThat(limiter.isBlocked()).isFalse();
    assertThat(timers.pending()).isZero();
    assertThat(limiter.config()).isEqualTo(RateLimiterConfig.UNLIMITED);
  }

  @Test
  void aRefusedRequestBlocksEveryTokenTypeForTheRefillTimer() {
    RateLimiter limiter = limiter(TokenBucketConfig.DISABLED, new TokenBucketConfig(1, 0, 1000));
    assertThat(limiter.consume(1, TokenType.OPS)).isTrue();
    assertThat(limiter.consume(1, TokenType.OPS)).isFalse();
    assertThat(limiter.isBlocked()).isTrue();
    assertThat(limiter.consume(1, TokenType.BYTES)).isFalse();
    assertThat(timers.pending()).isEqualTo(1);
    assertThat(timers.nextDue()).isEqualTo(RateLimiter.REFILL_TIMER);

    timers.advance(Duration.ofMillis(99));
    assertThat(timers.runDue()).isZero();
    assertThat(limiter.isBlocked()).isTrue();
    timers.advance(Duration.ofMillis(1));
    assertThat(timers.runDue()).isEqualTo(1);
    assertThat(wakeups).hasValue(1);
    assertThat(limiter.isBlocked()).isFalse();
    assertThat(limiter.consume(1, TokenType.BYTES)).isTrue();
    // 100 ms earned a tenth of a token: still short, blocked again.
    assertThat(limiter.consume(1, TokenType.OPS)).isFalse();
    timers.advance(Duration.ofMillis(900));
    timers.runDue();
    assertThat(limiter.consume(1, TokenType.OPS)).isTrue();
  }

  @Test
  void overConsumptionPassesButBlocksForTheBorrowedRefillTimes() {
    RateLimiter limiter = limiter(new TokenBucketConfig(1000, 0, 100), TokenBucketConfig.DISABLED);
    assertThat(limiter.consume(2500, TokenType.BYTES)).isTrue();
    assertThat(limiter.isBlocked()).isTrue();
    assertThat(timers.nextDue()).isEqualTo(Duration.ofMillis(150));
    timers.advance(Duration.ofMillis(150));
    assertThat(timers.runDue()).isEqualTo(1);
    assertThat(limiter.isBlocked()).isFalse();
    // The bucket refilled during the pause: 150 ms > one refill time.
    assertThat(limiter.consume(1000, TokenType.BYTES)).isTrue();
  }

  @Test
  void anOperationWhoseBytesAreRefusedGetsItsOpTokenBack() {
    RateLimiter limiter =
        limiter(new TokenBucketConfig(100, 0, 1000), new TokenBucketConfig(10, 0, 1000));
    assertThat(limiter.consumeOperation(100)).isTrue();
    assertThat(limiter.consumeOperation(1)).isFalse();
    assertThat(limiter.bucketOf(TokenType.OPS).budget()).isEqualTo(9);
    assertThat(limiter.bucketOf(TokenType.BYTES).budget()).isZero();
  }

  @Test
  void manualReplenishRefillsOnlyAnExistingBucket() {
    RateLimiter limiter = limiter(new TokenBucketConfig(100, 0, 1000), TokenBucketConfig.DISABLED);
    limiter.consume(80, TokenType.BYTES);
    limiter.manualReplenish(30, TokenType.BYTES);
    limiter.manualReplenish(30, TokenType.OPS);
    assertThat(limiter.bucketOf(TokenType.BYTES).budget()).isEqualTo(50);
    assertThat(limiter.bucketOf(TokenType.OPS)).isNull();
  }

  @Test
  void updatesKeepReplaceOrDisableEachBucket() {
    TokenBucketConfig bandwidth = new TokenBucketConfig(100, 0, 1000);
    TokenBucketConfig ops = new TokenBucketConfig(10, 5, 1000);
    RateLimiter limiter = limiter(bandwidth, ops);
    limiter.consume(60, TokenType.BYTES);

    limiter.update(RateLimiterUpdate.NONE);
    assertThat(limiter.bucketOf(TokenType.BYTES).budget()).isEqualTo(40);
    assertThat(limiter.config()).isEqualTo(new RateLimiterConfig(bandwidth, ops));

    TokenBucketConfig faster = new TokenBucketConfig(500, 0, 100);
    limiter.update(new RateLimiterUpdate(BucketUpdate.of(faster), BucketUpdate.keep()));
    assertThat(limiter.bucketOf(TokenType.BYTES).budget()).isEqualTo(500);
    assertThat(limiter.config()).isEqualTo(new RateLimiterConfig(faster, ops));

    limiter.update(
        new RateLimiterUpdate(
            BucketUpdate.keep(), BucketUpdate.of(new TokenBucketConfig(0, 0, 0))));
    assertThat(limiter.bucketOf(TokenType.OPS)).isNull();
    assertThat(limiter.config().ops()).isEqualTo(TokenBucketConfig.DISABLED);
    assertThat(BucketUpdate.of(new TokenBucketConfig(7, 0, 0)))
        .isEqualTo(new BucketUpdate.Disable());
  }

  @Test
  void aLimiterLimitsOnlyWithAnEnabledBucketAndAnAbsentOneLimitsNothing() {
    assertThat(new RateLimiterConfig(new TokenBucketConfig(0, 0, 0), null).limits()).isFalse();
    assertThat(new RateLimiterConfig(null, new TokenBucketConfig(10, 0, 10)).limits()).isTrue();
    assertThat(RateLimiterConfig.UNLIMITED.limits()).isFalse();

    RateLimiter limiter = new RateLimiter(new RateLimiterConfig(null, null), timers, () -> {});
    assertThat(limiter.consume(Long.MAX_VALUE, TokenType.BYTES)).isTrue();
    assertThat(limiter.config()).isEqualTo(RateLimiterConfig.UNLIMITED);
  }

  @Test
  void aPatchKeepsTheBucketsItLeavesOut() {
    TokenBucketConfig ops = new TokenBucketConfig(10, 0, 1000);
    assertThat(RateLimiterUpdate.of(null)).isEqualTo(RateLimiterUpdate.NONE);
    assertThat(RateLimiterUpdate.of(new RateLimiterConfig(null, null)))
        .isEqualTo(RateLimiterUpdate.NONE);
    assertThat(RateLimiterUpdate.of(new RateLimiterConfig(TokenBucketConfig.DISABLED, ops)))
        .isEqualTo(
            new RateLimiterUpdate(new BucketUpdate.Disable(), new BucketUpdate.Replace(ops)));
    assertThatThrownBy(
            () ->
                RateLimiterUpdate.of(
                    new RateLimiterConfig(null, new TokenBucketConfig(0, 0, Long.MAX_VALUE))))
        .hasMessageStartingWith("refill_time: " + Long.MAX_VALUE + " (expected: 0..");
  }

  @Test
  void aBlockInProgressOutlivesAnUpdate() {
    RateLimiter limiter = limiter(TokenBucketConfig.DISABLED, new TokenBucketConfig(1, 0, 1000));
    limiter.consume(1, TokenType.OPS);
    limiter.consume(1, TokenType.OPS);
    limiter.update(new RateLimiterUpdate(BucketUpdate.keep(), new BucketUpdate.Disable()));
    assertThat(limiter.consume(1, TokenType.OPS)).isFalse();
    timers.advance(RateLimiter.REFILL_TIMER);
    timers.runDue();
    assertThat(limiter.consume(1, TokenType.OPS)).isTrue();
  }
}
