package dev.updraft.console.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.local.ProcessState;
import dev.updraft.deploy.local.Protocol;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {
  private static Protocol.ProcessStatus process(ProcessState state, long startedMillis) {
    return new Protocol.ProcessStatus(
        "web-1", "web", 42, state, 0, null, "/tmp/web-1.log", 4001, null, startedMillis, null);
  }

  @Test
  void uptimeIsTheTimeSinceTheRunStarted() {
    assertThat(Environments.uptime(process(ProcessState.RUNNING, 1_000), 61_000)).isEqualTo(60_000);
  }

  @Test
  void anInstanceNotRunningOrNeverTimedHasNoUptime() {
    assertThat(
            Environments.uptime(
                process(ProcessState.parse("crashed (exit 1), restarting"), 1_000), 61_000))
        .isEqualTo(-1);
    assertThat(Environments.uptime(process(ProcessState.RUNNING, 0), 61_000)).isEqualTo(-1);
  }
}
