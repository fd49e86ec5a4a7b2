package dev.updraft.console.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.local.Protocol;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {
  private static Protocol.ProcessStatus process(String state, long startedMillis) {
    return new Protocol.ProcessStatus(
        "web-1", "web", 42, state, 0, null, "/tmp/web-1.log", 4001, null, startedMillis, null);
  }

  @Test
  void uptimeIsTheTimeSinceTheRunStarted() {
    assertThat(Environments.uptime(process("running", 1_000), 61_000)).isEqualTo(60_000);
  }

  @Test
  void anInstanceNotRunningOrNeverTimedHasNoUptime() {
    assertThat(Environments.uptime(process("restarting", 1_000), 61_000)).isEqualTo(-1);
    assertThat(Environments.uptime(process("running", 0), 61_000)).isEqualTo(-1);
  }
}
