package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WatchdogTest {
  @Test
  void aSupervisorThatDiesIsRestartedAtOnceAndOnlyACrashLoopBacksOff() {
    assertThat(Watchdog.delay(0)).as("after a supervisor that ran well").isZero();
    assertThat(Watchdog.delay(1)).as("the first quick death").isZero();
    assertThat(IntStream.rangeClosed(2, 6).mapToLong(Watchdog::delay))
        .containsExactly(200L, 400L, 800L, 1600L, 3200L);
    assertThat(Watchdog.delay(12)).isEqualTo(30_000);
    assertThat(Watchdog.delay(1_000)).isEqualTo(30_000);
  }
}
