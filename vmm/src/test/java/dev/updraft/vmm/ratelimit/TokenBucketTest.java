package dev.updraft.vmm.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long MS = 1_000_000;
  private static final long T0 = 5_000 * MS;

  @Test
  void startsFullAndRefusesWhatItDoesNotHave() {
    TokenBucket bucket = new TokenBucket(new TokenBucketConfig(100, 0, 1000), T0);
    assertThat(bucket.budget()).isEqualTo(100);
    assertThat(bucket.reduce(100, T0)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.reduce(1, T0)).isEqualTo(BucketReduction.FAILURE);
    assertThat(bucket.budget()).isZero();
  }

  @Test
  void refillsInProportionToElapsedTimeUpToTheSize() {
    // 1000 tokens per 1000 ms: one per millisecond.
    TokenBucket bucket = new TokenBucket(new TokenBucketConfig(1000, 0, 1000), T0);
    bucket.reduce(1000, T0);
    assertThat(bucket.reduce(500, T0 + 500 * MS)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.reduce(1, T0 + 500 * MS)).isEqualTo(BucketReduction.FAILURE);
    assertThat(bucket.reduce(1000, T0 + 5000 * MS)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.reduce(1, T0 + 5000 * MS)).isEqualTo(BucketReduction.FAILURE);
  }

  @Test
  void carriesThePartOfATokenAlreadyEarnedToTheNextRefill() {
    // 3 tokens per 10 ms: one every 3.33 ms. At 5 ms 1.5 tokens were earned, 1 is paid out and
    // the remaining half carries over, so at 7 ms (2.1 earned in all) a second token is there.
    TokenBucket bucket = new TokenBucket(new TokenBucketConfig(3, 0, 10), T0);
    bucket.reduce(3, T0);
    assertThat(bucket.reduce(1, T0 + 5 * MS)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.reduce(1, T0 + 7 * MS)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.reduce(1, T0 + 7 * MS)).isEqualTo(BucketReduction.FAILURE);
    // Just past 10 ms (each payout rounds its time up by under a nanosecond): the third token,
    // and never a fourth.
    long tenMs = T0 + 10 * MS + 1000;
    assertThat(bucket.reduce(1, tenMs)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.reduce(1, tenMs)).isEqualTo(BucketReduction.FAILURE);
  }

  @Test
  void spendsTheOneTimeBurstFirstAndNeverRefillsIt() {
    TokenBucket bucket = new TokenBucket(new TokenBucketConfig(100, 50, 1000), T0);
    assertThat(bucket.reduce(30, T0)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.oneTimeBurst()).isEqualTo(20);
    assertThat(bucket.budget()).isEqualTo(100);
    assertThat(bucket.reduce(70, T0)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.oneTimeBurst()).isZero();
    assertThat(bucket.budget()).isEqualTo(50);
    bucket.reduce(50, T0);
    assertThat(bucket.reduce(100, T0 + 10_000 * MS)).isEqualTo(BucketReduction.SUCCESS);
    assertThat(bucket.oneTimeBurst()).isZero();
  }

  @Test
  void letsABiggerRequestThroughAsOverConsumptionThatEmptiesTheBucket() {
    TokenBucket bucket = new TokenBucket(new TokenBucketConfig(100, 0, 1000), T0);
    bucket.reduce(40, T0);
    BucketReduction reduction = bucket.reduce(210, T0);
    // 210 wanted, 60 there: 150 borrowed, 1.5 buckets.
    assertThat(reduction).isEqualTo(new BucketReduction.OverConsumption(1.5));
    assertThat(bucket.budget()).isZero();
  }

  @Test
  void forceReplenishGivesBackNoMoreThanTheBucketOrBurstHeld() {
    TokenBucket bucket = new TokenBucket(new TokenBucketConfig(100, 10, 1000), T0);
    bucket.reduce(4, T0);
    bucket.forceReplenish(100);
    assertThat(bucket.oneTimeBurst()).isEqualTo(10);
    bucket.reduce(60, T0);
    bucket.forceReplenish(25);
    assertThat(bucket.budget()).isEqualTo(75);
    bucket.forceReplenish(Long.MAX_VALUE);
    assertThat(bucket.budget()).isEqualTo(100);
  }

  @Test
  void mulDivIsExactBeyondSixtyFourBits() {
    assertThat(TokenBucket.mulDiv(Long.MAX_VALUE / 2, 8, 4, false)).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(TokenBucket.mulDiv(1L << 40, 1L << 40, 3L << 30, false)).isEqualTo((1L << 50) / 3);
    assertThat(TokenBucket.mulDiv(10, 1, 3, true)).isEqualTo(4);
    assertThat(TokenBucket.mulDiv(9, 1, 3, true)).isEqualTo(3);
  }

  @Test
  void hugeBucketsRefillWithoutOverflow() {
    long size = Long.MAX_VALUE / 4;
    TokenBucket bucket = new TokenBucket(new TokenBucketConfig(size, 0, 7), T0);
    bucket.reduce(size, T0);
    assertThat(bucket.reduce(size / 7, T0 + MS)).isEqualTo(BucketReduction.SUCCESS);
  }

  @Test
  void configurationIsValidatedWithTheFieldName() {
    assertThatThrownBy(() -> new TokenBucketConfig(-1, 0, 10))
        .hasMessage("size: -1 (expected: at least 0)");
    assertThatThrownBy(() -> new TokenBucketConfig(1, -1, 100))
        .hasMessage("one_time_burst: -1 (expected: at least 0)");
    assertThatThrownBy(() -> new TokenBucketConfig(1, 0, -5))
        .hasMessage("refill_time: -5 (expected: at least 0 milliseconds)");
    assertThat(new TokenBucketConfig(1000, 0, 100).enabled()).isTrue();
    assertThat(new TokenBucketConfig(0, 5, 100).enabled()).isFalse();
    assertThat(new TokenBucketConfig(5, 0, 0).enabled()).isFalse();
    assertThatThrownBy(() -> new TokenBucket(TokenBucketConfig.DISABLED, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLimiterRefusesARefillTimeItCannotCountInNanoseconds() {
    TokenBucketConfig endless = new TokenBucketConfig(1, 0, Long.MAX_VALUE);
    assertThatThrownBy(endless::runnable)
        .hasMessageStartingWith("refill_time: " + Long.MAX_VALUE + " (expected: 0..");
    assertThatThrownBy(() -> new TokenBucket(endless, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new TokenBucketConfig(1, 0, TokenBucketConfig.MAX_REFILL_TIME_MS).runnable())
        .isNotNull();
  }
}
