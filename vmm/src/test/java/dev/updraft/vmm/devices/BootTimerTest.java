package dev.updraft.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootTimerTest {
  private final List<String> log = new ArrayList<>();
  private final BootTimer timer =
      new BootTimer(
          new BootTimer.Start(1_000_000, 500_000),
          () -> 1_000_000 + 123_456_789,
          () -> 500_000 + 7_654_321,
          log::add);

  @Test
  void theMagicByteLogsBootTimeAsFirecrackerDoes() {
    timer.write(0, new byte[] {123});

    assertThat(log).containsExactly("Guest-boot-time = 123456 us 123 ms,   7654 CPU us 7 CPU ms");
  }

  @Test
  void anythingElseIsIgnoredAndReadsAreZero() {
    timer.write(0, new byte[] {122});
    timer.write(1, new byte[] {123});
    timer.write(0, new byte[] {123, 0});
    byte[] data = {9, 9, 9, 9};
    timer.read(0, data);

    assertThat(log).isEmpty();
    assertThat(data).containsOnly(0);
  }

  @Test
  void aFailingLoggerDoesNotReachTheVcpu() {
    BootTimer failing =
        new BootTimer(
            BootTimer.Start.now(),
            line -> {
              throw new IllegalStateException("log closed");
            });

    failing.write(0, new byte[] {123});

    assertThat(BootTimer.Start.now().cpuNanos()).isPositive();
  }
}
