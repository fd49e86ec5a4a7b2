package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's memory hot-plug sequence against {@code updraft vm} on real KVM, with the
 * freestanding virtio-mem guest in place of Linux: curl configures 256 MiB of hot-pluggable memory
 * before boot, raises the requested size after; the guest plugs it, writes and reads back every
 * page of it; then the host lowers the size, the guest unplugs, and {@code GET /hotplug/memory}
 * follows the plugged size each way. A snapshot with memory still plugged is refused.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class MemoryHotplugIT {
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
  void theGuestPlugsWhatTheHostRequestsAndUnplugsWhenItIsLowered() throws Exception {
    vmm = VmmOnKvm.start(dir.resolve("fc.sock"), dir.resolve("console.txt"));
    assertThat(vmm.curl("PUT", "/hotplug/memory", "{\"total_size_mib\": 256}", JSON))
        .isEqualTo("204");
    assertThat(vmm.curl("GET", "/hotplug/memory", null, JSON))
        .startsWith("400")
        .contains("not supported before starting the microVM");
    vmm.expect204(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("mem")
            + "\", \"boot_args\": \"console=ttyS0 reboot=k linger_ms=2000\"}");
    vmm.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    vmm.awaitConsole("ready");
    JsonNode idle = body(vmm.curl("GET", "/hotplug/memory", null, JSON));
    assertThat(idle.get("total_size_mib").asLong()).isEqualTo(256);
    assertThat(idle.get("block_size_mib").asLong()).isEqualTo(2);
    assertThat(idle.get("slot_size_mib").asLong()).isEqualTo(128);
    assertThat(idle.get("plugged_size_mib").asLong()).isZero();
    assertThat(idle.get("requested_size_mib").asLong()).isZero();

    assertThat(vmm.curl("PATCH", "/hotplug/memory", "{\"requested_size_mib\": 3}", JSON))
        .startsWith("400")
        .contains("requested_size_mib: 3 (expected: a multiple of block_size_mib (2 MiB)");
    assertThat(vmm.curl("PATCH", "/hotplug/memory", "{\"requested_size_mib\": 160}", JSON))
        .isEqualTo("204");
    vmm.awaitConsole("plugged");
    JsonNode plugged = body(vmm.curl("GET", "/hotplug/memory", null, JSON));
    assertThat(plugged.get("plugged_size_mib").asLong()).isEqualTo(160);
    assertThat(plugged.get("requested_size_mib").asLong()).isEqualTo(160);

    assertThat(vmm.curl("PATCH", "/hotplug/memory", "{\"requested_size_mib\": 32}", JSON))
        .isEqualTo("204");
    vmm.awaitConsole("unplugged");
    JsonNode lowered = body(vmm.curl("GET", "/hotplug/memory", null, JSON));
    assertThat(lowered.get("plugged_size_mib").asLong()).isEqualTo(32);
    assertThat(lowered.get("requested_size_mib").asLong()).isEqualTo(32);
    assertThat(body(vmm.curl("GET", "/vm/config", null)).get("memory-hotplug").toString())
        .isEqualTo("{\"total_size_mib\":256,\"block_size_mib\":2,\"slot_size_mib\":128}");
    // The memory file holds RAM only: a snapshot would lose what the guest wrote there.
    vmm.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
    assertThat(
            vmm.curl(
                "PUT",
                "/snapshot/create",
                "{\"snapshot_type\": \"Full\", \"snapshot_path\": \""
                    + dir.resolve("vm.state")
                    + "\", \"mem_file_path\": \""
                    + dir.resolve("vm.mem")
                    + "\"}",
                JSON))
        .startsWith("400")
        .contains(
            "memory-hotplug: 32 MiB plugged (expected: none; snapshots of plugged memory are not"
                + " supported yet)");
    vmm.expect204("PATCH", "/vm", "{\"state\": \"Resumed\"}");

    assertThat(vmm.awaitExit()).isZero();
    GuestReport.parse(vmm.consoleText())
        .requirePassed(
            "mem-found",
            "mem-config",
            "mem-plug",
            "mem-plugged-size",
            "mem-pattern",
            "mem-state-plugged",
            "mem-unplug",
            "mem-unplugged-size",
            "mem-state-unplugged",
            "mem-kept");
  }

  /**
   * A VM snapshotted with its region unplugged comes back with the device in a fresh process: the
   * restored driver plugs and unplugs there, and the configuration is the snapshot's.
   */
  @Test
  void aSnapshotWithNothingPluggedRestoresTheDevice() throws Exception {
    VmmOnKvm a = VmmOnKvm.start(dir.resolve("a.sock"), dir.resolve("a.txt"));
    try {
      assertThat(vmmCurl(a, "PUT", "/hotplug/memory", "{\"total_size_mib\": 256}"))
          .isEqualTo("204");
      a.expect204(
          "PUT",
          "/boot-source",
          "{\"kernel_image_path\": \""
              + GuestImages.pvh("mem")
              + "\", \"boot_args\": \"console=ttyS0 reboot=k wait_ms=60000 linger_ms=2000\"}");
      a.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
      a.awaitConsole("ready");
      a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
      a.expect204(
          "PUT",
          "/snapshot/create",
          "{\"snapshot_type\": \"Full\", \"snapshot_path\": \""
              + dir.resolve("vm.state")
              + "\", \"mem_file_path\": \""
              + dir.resolve("vm.mem")
              + "\"}");
    } finally {
      a.close();
    }
    vmm = VmmOnKvm.start(dir.resolve("b.sock"), dir.resolve("b.txt"));
    vmm.expect204(
        "PUT",
        "/snapshot/load",
        "{\"snapshot_path\": \""
            + dir.resolve("vm.state")
            + "\", \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \""
            + dir.resolve("vm.mem")
            + "\"}, \"resume_vm\": true}");
    assertThat(body(vmm.curl("GET", "/vm/config", null)).get("memory-hotplug").toString())
        .isEqualTo("{\"total_size_mib\":256,\"block_size_mib\":2,\"slot_size_mib\":128}");
    assertThat(
            body(vmm.curl("GET", "/hotplug/memory", null, JSON)).get("plugged_size_mib").asLong())
        .isZero();
    assertThat(vmm.curl("PATCH", "/hotplug/memory", "{\"requested_size_mib\": 64}", JSON))
        .isEqualTo("204");
    vmm.awaitConsole("plugged");
    assertThat(
            body(vmm.curl("GET", "/hotplug/memory", null, JSON)).get("plugged_size_mib").asLong())
        .isEqualTo(64);
    assertThat(vmm.curl("PATCH", "/hotplug/memory", "{\"requested_size_mib\": 0}", JSON))
        .isEqualTo("204");
    vmm.awaitConsole("unplugged");
    assertThat(vmm.awaitExit()).isZero();
    GuestReport.parse(vmm.consoleText())
        .requirePassed("mem-plug", "mem-pattern", "mem-unplug", "mem-state-unplugged");
  }

  private static String vmmCurl(VmmOnKvm on, String method, String path, String body)
      throws Exception {
    return on.curl(method, path, body, JSON);
  }

  /** The JSON of a 200 answer ("200 {...}"). */
  private static JsonNode body(String answer) throws Exception {
    assertThat(answer).startsWith("200 ");
    return MAPPER.readTree(answer.substring(4));
  }
}
