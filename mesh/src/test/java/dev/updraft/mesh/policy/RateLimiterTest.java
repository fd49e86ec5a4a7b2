package dev.updraft.mesh.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.RateLimitConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(1_000_000 * MS);

  @Test
  void aRateAdmitsOneSecondsBurstThenItsPace() {
    Gcra gcra = new Gcra(5);
    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      admitted += gcra.tryAcquire(now.get()) ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(5);
    now.addAndGet(200 * MS);
    assertThat(gcra.tryAcquire(now.get())).isTrue();
    assertThat(gcra.tryAcquire(now.get())).isFalse();
  }

  @Test
  void totalThenOverrideThenPerIdentityAsLinkerd() {
    RateLimiter limiter =
        new RateLimiter(
            new RateLimitConfig(100, 2, List.of(new RateLimitConfig.Override(4, List.of("vip")))),
            now::get);
    assertThat(limiter.check("a")).isNull();
    assertThat(limiter.check("a")).isNull();
    assertThat(limiter.check("a")).isEqualTo(RateLimiter.Limit.IDENTITY);
    assertThat(limiter.check("b")).isNull();
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.check("vip")).isNull();
    }
    assertThat(limiter.check("vip")).isEqualTo(RateLimiter.Limit.OVERRIDE);
    // unauthenticated clients share one bucket
    assertThat(limiter.check(null)).isNull();
    assertThat(limiter.check(null)).isNull();
    assertThat(limiter.check(null)).isEqualTo(RateLimiter.Limit.IDENTITY);
  }

  @Test
  void theTotalLimitComesFirst() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(1, 10, null), now::get);
    assertThat(limiter.check("a")).isNull();
    assertThat(limiter.check("b")).isEqualTo(RateLimiter.Limit.TOTAL);
  }
}
