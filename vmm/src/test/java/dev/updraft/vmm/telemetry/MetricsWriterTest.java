package dev.updraft.vmm.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.metrics.Counters;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final VmmMetrics metrics = new VmmMetrics();
  private final MetricsWriter writer =
      new MetricsWriter(
          metrics, "vm-1", Clock.fixed(Instant.ofEpochMilli(1541591155180L), ZoneOffset.UTC));

  private void configure(MetricsConfig config) {
    writer.configure(config, new StreamSink(out));
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void aLineHasTheTimestampTheVmmGroupsAndTheDeviceGroups() throws Exception {
    configure(MetricsConfig.of(Path.of("/unused")));
    metrics.recordStartup(12_000, 8_000);
    metrics.putRequests().increment("actions_count");
    Counters block = new Counters("block_rootfs");
    block.add("read_count", 3);
    assertThat(writer.flush(List.of(block))).isTrue();

    JsonNode line = lines().getFirst();
    assertThat(line.get("utc_timestamp_ms").asLong()).isEqualTo(1541591155180L);
    assertThat(line.has("id")).isFalse();
    assertThat(line.path("api_server").path("process_startup_time_us").asLong()).isEqualTo(12_000);
    assertThat(line.path("api_server").path("process_startup_time_cpu_us").asLong())
        .isEqualTo(8_000);
    assertThat(line.path("put_api_requests").path("actions_count").asLong()).isEqualTo(1);
    assertThat(line.path("put_api_requests").path("actions_fails").asLong()).isZero();
    assertThat(line.path("put_api_requests").has("hotplug_memory_fails")).isTrue();
    assertThat(line.path("get_api_requests").has("instance_info_count")).isTrue();
    assertThat(line.path("patch_api_requests").has("drive_count")).isTrue();
    assertThat(line.path("logger").has("missed_log_count")).isTrue();
    assertThat(line.path("vmm").path("panic_count").asLong()).isZero();
    assertThat(line.path("latencies_us").has("pause_vm")).isTrue();
    assertThat(line.path("block_rootfs").path("read_count").asLong()).isEqualTo(3);
    assertThat(line.path("block").path("read_count").asLong()).isEqualTo(3);
    assertThat(line.path("patch_api_requests").has("pmem_fails")).isTrue();
  }

  @Test
  void pmemGroupsAreSummedIntoPmemAsFirecrackerDoes() throws Exception {
    configure(MetricsConfig.of(Path.of("/unused")));
    Counters a = new Counters("pmem_a");
    a.add("queue_event_count", 2);
    Counters b = new Counters("pmem_b");
    b.add("queue_event_count", 3);
    assertThat(writer.flush(List.of(a, b))).isTrue();
    JsonNode line = lines().getFirst();
    assertThat(line.path("pmem_a").path("queue_event_count").asLong()).isEqualTo(2);
    assertThat(line.path("pmem").path("queue_event_count").asLong()).isEqualTo(5);
  }

  @Test
  void countersAreDrainedPerLineButStoredValuesStay() throws Exception {
    configure(MetricsConfig.of(Path.of("/unused")));
    metrics.recordStartup(5, 1);
    metrics.getRequests().increment("instance_info_count");
    Counters uart = new Counters("uart");
    uart.add("write_count", 10);
    writer.flush(List.of(uart));
    writer.flush(List.of(uart));
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1).path("get_api_requests").path("instance_info_count").asLong()).isZero();
    assertThat(lines.get(1).path("uart").path("write_count").asLong()).isZero();
    assertThat(lines.get(1).path("api_server").path("process_startup_time_us").asLong())
        .isEqualTo(5);
  }

  @Test
  void perDeviceGroupsAreSummedIntoFirecrackersAggregates() throws Exception {
    configure(MetricsConfig.of(Path.of("/unused")));
    Counters a = new Counters("net_eth0");
    a.add("tx_bytes_count", 100);
    Counters b = new Counters("net_eth1");
    b.add("tx_bytes_count", 50);
    b.add("rx_bytes_count", 7);
    writer.flush(List.of(a, b));
    JsonNode net = lines().getFirst().path("net");
    assertThat(net.path("tx_bytes_count").asLong()).isEqualTo(150);
    assertThat(net.path("rx_bytes_count").asLong()).isEqualTo(7);
    assertThat(lines().getFirst().has("block")).isFalse();
  }

  @Test
  void emitIdAndPropertiesAreHonoured() throws Exception {
    configure(new MetricsConfig(Path.of("/unused"), true, Map.of("team", "vmm")));
    writer.flush(List.of());
    JsonNode line = lines().getFirst();
    assertThat(line.path("id").asText()).isEqualTo("vm-1");
    assertThat(line.path("properties").path("team").asText()).isEqualTo("vmm");
  }

  @Test
  void metricsAreConfiguredOnceAndNothingIsWrittenBefore() {
    assertThat(writer.flush(List.of())).isFalse();
    assertThat(writer.config()).isEmpty();
    configure(MetricsConfig.of(Path.of("/unused")));
    assertThatThrownBy(() -> writer.configure(MetricsConfig.of(Path.of("/other"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Reinitialization of metrics not allowed.");
    assertThat(writer.config()).contains(MetricsConfig.of(Path.of("/unused")));
  }
}
