package dev.updraft.console.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmTelemetryTest {
  @TempDir Path dir;

  @Test
  void theBootTimeIsTheLastTheBootTimerLogged() throws Exception {
    Path log = dir.resolve("fc.log");
    Files.writeString(
        log,
        """
        2026-12-07T12:00:00 [anonymous-instance:main] Successfully started microvm
        2026-12-07T12:00:01 [anonymous-instance:fc_vcpu 0] Guest-boot-time =  41250 us 41 ms, \
          30000 CPU us 30 CPU ms
        2026-12-07T12:00:09 [anonymous-instance:fc_vcpu 0] Guest-boot-time = 1203000 us 1203 ms, \
          90000 CPU us 90 CPU ms
        """);
    assertThat(VmTelemetry.bootTime(log)).isEqualTo(Duration.ofMillis(1203));
    assertThat(VmTelemetry.bootTime(dir.resolve("missing.log"))).isNull();
  }

  @Test
  void devicesAreTheDeviceGroupsOfTheNewestLineWithTheirCountsThatAreNotZero() throws Exception {
    Path metrics = dir.resolve("metrics.json");
    Files.writeString(
        metrics,
        """
        {"utc_timestamp_ms": 1, "uart": {"write_count": 1}}
        {"utc_timestamp_ms": 2, "api_server": {"process_startup_time_us": 9}, \
        "uart": {"write_count": 6, "read_count": 0}, "block_rootfs": {"read_count": 0}, \
        "net_eth0": {"tx_packets_count": 3}}
        """);
    assertThat(VmTelemetry.devices(metrics))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "uart", Map.of("write_count", 6L),
                "block_rootfs", Map.of(),
                "net_eth0", Map.of("tx_packets_count", 3L)));
    assertThat(VmTelemetry.devices(dir.resolve("missing.json"))).isEmpty();
  }
}
