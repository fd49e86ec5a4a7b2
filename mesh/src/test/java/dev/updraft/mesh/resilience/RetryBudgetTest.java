package dev.updraft.mesh.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.BudgetConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private final AtomicLong clock = new AtomicLong(5_000_000_000L);

  @Test
  void allowsTheReservePlusARatioOfRequests() {
    RetryBudget budget =
        new RetryBudget(new BudgetConfig(0.2, 1, Duration.ofSeconds(10)), clock::get);
    int allowed = 0;
    for (int i = 0; i < 100; i++) {
      budget.deposit();
    }
    while (budget.withdraw()) {
      allowed++;
    }
    assertThat(allowed).isEqualTo(10 + 20); // 1/s * 10 s reserve + 0.2 * 100
  }

  @Test
  void oldTrafficExpiresWithTheWindow() {
    RetryBudget budget =
        new RetryBudget(new BudgetConfig(1.0, 0, Duration.ofSeconds(10)), clock::get);
    budget.deposit();
    assertThat(budget.withdraw()).isTrue();
    assertThat(budget.withdraw()).isFalse();
    clock.addAndGet(11_000_000_000L);
    budget.deposit();
    assertThat(budget.withdraw()).as("the earlier withdrawal has expired").isTrue();
  }

  @Test
  void whatRemainsIsWhatWithdrawalsWouldGrant() {
    RetryBudget budget =
        new RetryBudget(new BudgetConfig(0.5, 1, Duration.ofSeconds(10)), clock::get);
    assertThat(budget.remaining()).isEqualTo(10);
    for (int i = 0; i < 4; i++) {
      budget.deposit();
    }
    assertThat(budget.remaining()).isEqualTo(12);
    budget.withdraw();
    budget.withdraw();
    assertThat(budget.remaining()).isEqualTo(10);
  }
}
