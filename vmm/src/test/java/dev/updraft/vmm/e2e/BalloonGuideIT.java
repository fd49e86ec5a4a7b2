package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's ballooning guide against {@code updraft vm} on real KVM, with the freestanding
 * balloon guest in place of Linux: curl configures the balloon with statistics before boot, sets a
 * target after, and reads the statistics the guest reports; then changes the polling interval and
 * is refused switching statistics off.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class BalloonGuideIT {
  private static final String[] JSON = {
    "Accept: application/json", "Content-Type: application/json"
  };
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;
  private VmmOnKvm vmm;

  @AfterEach
  void tearDown() throws Exception {
    if (vmm != null) {
      vmm.close();
      System.out.println("console:\n" + vmm.consoleText());
    }
  }

  @Test
  void theGuideSequenceInflatesTheGuestsBalloonAndReadsItsStatistics() throws Exception {
    Path log = Files.createFile(dir.resolve("vmm.log"));
    vmm =
        VmmOnKvm.start(
            dir.resolve("fc.sock"), dir.resolve("console.txt"), "--log-path", log.toString());
    assertThat(
            vmm.curl(
                "PUT",
                "/balloon",
                "{\"amount_mib\": 0, \"deflate_on_oom\": false, \"stats_polling_interval_s\": 1}",
                JSON))
        .isEqualTo("204");
    assertThat(
            body(vmm.curl("GET", "/balloon", null, JSON)).get("stats_polling_interval_s").asInt())
        .isEqualTo(1);
    vmm.expect204(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("balloon")
            + "\", \"boot_args\": \"console=ttyS0 reboot=k pages=4096 deflate=256"
            + " linger_ms=10000\"}");
    vmm.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    vmm.awaitConsole("ready");
    assertThat(vmm.curl("PATCH", "/balloon", "{\"amount_mib\": 12}", JSON)).isEqualTo("204");
    vmm.awaitConsole("stats-sent");

    JsonNode stats = awaitFreeMemory(48L << 20);
    assertThat(stats.get("target_pages").asLong()).isEqualTo(12 * 256);
    assertThat(stats.get("target_mib").asLong()).isEqualTo(12);
    assertThat(stats.get("actual_pages").asLong()).isEqualTo(12 * 256 - 256);
    assertThat(stats.get("total_memory").asLong()).isEqualTo(128L << 20);
    assertThat(stats.has("swap_in")).as("not reported by the guest").isFalse();

    assertThat(vmm.curl("PATCH", "/balloon/statistics", "{\"stats_polling_interval_s\": 5}", JSON))
        .isEqualTo("204");
    assertThat(vmm.curl("PATCH", "/balloon/statistics", "{\"stats_polling_interval_s\": 0}", JSON))
        .startsWith("400")
        .contains("Balloon update error: Balloon: Statistics cannot be enabled/disabled after");
    JsonNode config = body(vmm.curl("GET", "/balloon", null, JSON));
    assertThat(config.get("amount_mib").asLong()).isEqualTo(12);
    assertThat(config.get("stats_polling_interval_s").asInt()).isEqualTo(5);
    assertThat(body(vmm.curl("GET", "/vm/config", null)).get("balloon")).isEqualTo(config);

    assertThat(vmm.awaitExit()).isZero();
    GuestReport.parse(vmm.consoleText())
        .requirePassed("balloon-inflate", "balloon-released", "balloon-stats-poll");
  }

  /**
   * The guide's free page sections: reporting and hinting configured with curl before boot, a
   * hinting run started with {@code acknowledge_on_stop}, its status read after the guest's STOP,
   * and the stop endpoint (with PATCH: the guide shows POST, which Firecracker's router, like
   * updraft's, does not route).
   */
  @Test
  void theGuideSequenceRunsFreePageReportingAndHinting() throws Exception {
    vmm = VmmOnKvm.start(dir.resolve("fc.sock"), dir.resolve("console.txt"));
    assertThat(
            vmm.curl(
                "PUT",
                "/balloon",
                "{\"amount_mib\": 0, \"deflate_on_oom\": false, \"stats_polling_interval_s\": 0,"
                    + " \"free_page_reporting\": true, \"free_page_hinting\": true}",
                JSON))
        .isEqualTo("204");
    assertThat(vmm.curl("PATCH", "/balloon/hinting/start", "{\"acknowledge_on_stop\": true}", JSON))
        .startsWith("400")
        .contains("not supported before starting the microVM");
    vmm.expect204(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("freepage")
            + "\", \"boot_args\": \"console=ttyS0 reboot=k pages=4096 report=1024 hint=1024"
            + " linger_ms=10000\"}");
    vmm.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    vmm.awaitConsole("reported");
    JsonNode idle = body(vmm.curl("GET", "/balloon/hinting/status", null, JSON));
    assertThat(idle.get("host_cmd").asLong()).isZero();
    assertThat(idle.get("guest_cmd").isNull()).isTrue();
    assertThat(vmm.curl("PATCH", "/balloon/hinting/start", "{\"acknowledge_on_stop\": true}", JSON))
        .isEqualTo("204");
    vmm.awaitConsole("hinted");
    JsonNode done = body(vmm.curl("GET", "/balloon/hinting/status", null, JSON));
    assertThat(done.get("host_cmd").asLong()).as("DONE, sent by the device").isEqualTo(1);
    assertThat(done.get("guest_cmd").asLong()).as("the guest's STOP").isZero();
    assertThat(vmm.curl("PATCH", "/balloon/hinting/stop", "{}", JSON)).isEqualTo("204");
    assertThat(vmm.curl("POST", "/balloon/hinting/stop", "{}", JSON)).startsWith("400");
    JsonNode config = body(vmm.curl("GET", "/vm/config", null)).get("balloon");
    assertThat(config.get("free_page_reporting").asBoolean()).isTrue();
    assertThat(config.get("free_page_hinting").asBoolean()).isTrue();

    assertThat(vmm.awaitExit()).isZero();
    GuestReport.parse(vmm.consoleText())
        .requirePassed(dev.updraft.vmm.testing.GuestChecks.freePage());
  }

  /** Polls the statistics until the guest's second report (free memory {@code free}) is in. */
  private JsonNode awaitFreeMemory(long free) throws Exception {
    JsonNode stats = null;
    for (int i = 0; i < 100; i++) {
      stats = body(vmm.curl("GET", "/balloon/statistics", null, JSON));
      if (stats.path("free_memory").asLong() == free) {
        return stats;
      }
      Thread.sleep(50);
    }
    assertThat(stats.path("free_memory").asLong()).as("free_memory in %s", stats).isEqualTo(free);
    return stats;
  }

  /** The JSON of a 200 answer ("200 {...}"). */
  private static JsonNode body(String answer) throws Exception {
    assertThat(answer).startsWith("200 ");
    return MAPPER.readTree(answer.substring(4));
  }
}
