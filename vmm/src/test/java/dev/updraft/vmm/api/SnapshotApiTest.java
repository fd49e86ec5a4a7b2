package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.SnapshotLoad;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code PUT /snapshot/create} and {@code /snapshot/load} through the router and controllers on a
 * fake hypervisor: Firecracker's parsing, messages and pre-/post-boot rules.
 */
class SnapshotApiTest extends OnTestVmm {
  private static String fault(ApiReply reply) {
    assertThat(reply.status()).isEqualTo(400);
    JsonNode json = Json.parse(reply.body().getBytes(StandardCharsets.UTF_8));
    return json.get("fault_message").asText();
  }

  @Test
  void routesAndBodiesAreFirecrackers() {
    assertThatThrownBy(() -> Router.route("PUT", "/snapshot", true))
        .hasMessage("Missing snapshot operation type.");
    assertThatThrownBy(() -> Router.route("PUT", "/snapshot/save", true))
        .hasMessage("Invalid request method and/or path: PUT /snapshot/save.");
    assertThatThrownBy(() -> Router.route("GET", "/snapshot/create", false))
        .hasMessage("Invalid request method and/or path: GET /snapshot/create.");
    assertThat(fault(vm.put("/snapshot/create", "{\"snapshot_path\": \"s\"}")))
        .isEqualTo(
            ApiDispatcher.DESERIALIZE_ERROR + "mem_file_path: missing (expected: a file path).");
    assertThat(
            fault(
                vm.put(
                    "/snapshot/create",
                    "{\"snapshot_path\": \"s\", \"mem_file_path\": \"m\", \"version\": \"1\"}")))
        .contains("version: unknown field");
    assertThat(
            fault(
                vm.put(
                    "/snapshot/create",
                    "{\"snapshot_type\": \"Partial\", \"snapshot_path\": \"s\","
                        + " \"mem_file_path\": \"m\"}")))
        .contains("snapshot_type: \"Partial\" (expected: one of Full, Diff)");
  }

  @Test
  void aLoadNeedsExactlyOneMemorySource() {
    assertThat(fault(vm.put("/snapshot/load", "{\"snapshot_path\": \"s\"}")))
        .isEqualTo(
            ApiDispatcher.DESERIALIZE_ERROR
                + "missing field: either `mem_backend` or `mem_file_path` is required.");
    assertThat(
            fault(
                vm.put(
                    "/snapshot/load",
                    "{\"snapshot_path\": \"s\", \"mem_file_path\": \"m\", \"mem_backend\":"
                        + " {\"backend_type\": \"File\", \"backend_path\": \"m\"}}")))
        .contains("too many fields: either `mem_backend` or `mem_file_path` exclusively");
    assertThat(
            fault(
                vm.put(
                    "/snapshot/load",
                    "{\"snapshot_path\": \"s\", \"mem_backend\": {\"backend_type\": \"Disk\","
                        + " \"backend_path\": \"m\"}}")))
        .contains("backend_type: \"Disk\" (expected: one of File, Uffd)");
    assertThat(
            fault(
                vm.put(
                    "/snapshot/load",
                    "{\"snapshot_path\": \"s\", \"mem_backend\": {\"backend_type\": \"File\","
                        + " \"backend_path\": \"m\", \"extra\": 1}}")))
        .contains("mem_backend.extra: unknown field");
  }

  @Test
  void aLoadCarriesEveryOptionAndTheDeprecatedFieldsAreFlagged() {
    ApiReply reply =
        vm.put(
            "/snapshot/load",
            "{\"snapshot_path\": \"vm.state\", \"mem_file_path\": \"vm.mem\","
                + " \"enable_diff_snapshots\": true, \"resume_vm\": true, \"clock_realtime\": true,"
                + " \"network_overrides\": [{\"iface_id\": \"eth0\", \"host_dev_name\": \"tap7\"}],"
                + " \"huge_pages\": \"Transparent\", \"something_new\": 1}");
    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.deprecated()).isTrue();
    SnapshotLoad load = vm.hypervisor.loads().getFirst();
    assertThat(load.memBackend())
        .isEqualTo(
            new SnapshotLoad.MemoryBackend(SnapshotLoad.BackendType.FILE, Path.of("vm.mem")));
    assertThat(load.trackDirtyPages()).as("enable_diff_snapshots").isTrue();
    assertThat(load.resumeVm()).isTrue();
    assertThat(load.clockRealtime()).isTrue();
    assertThat(load.networkOverrides())
        .containsExactly(new SnapshotLoad.NetworkOverride("eth0", "tap7"));
    assertThat(load.hugePages()).isEqualTo(SnapshotLoad.LoadHugePages.TRANSPARENT);
    assertThat(vm.logText())
        .contains(
            "PUT /snapshot/load: mem_file_path and enable_diff_snapshots fields are deprecated.");
    assertThat(
            Json.parse(vm.get("/").body().getBytes(StandardCharsets.UTF_8)).get("state").asText())
        .isEqualTo("Running");
  }

  @Test
  void aLoadedVmIsPausedUnlessTheLoadResumesIt() {
    assertThat(
            vm.put(
                    "/snapshot/load",
                    "{\"snapshot_path\": \"vm.state\", \"mem_backend\": {\"backend_type\":"
                        + " \"Uffd\", \"backend_path\": \"uffd.sock\"}}")
                .status())
        .isEqualTo(204);
    assertThat(
            Json.parse(vm.get("/").body().getBytes(StandardCharsets.UTF_8)).get("state").asText())
        .isEqualTo("Paused");
    assertThat(vm.put("/snapshot/load", load()).status()).isEqualTo(400);
    assertThat(fault(vm.put("/snapshot/load", load())))
        .isEqualTo("The requested operation is not supported after starting the microVM.");
    assertThat(vm.patch("/vm", "{\"state\": \"Resumed\"}").status()).isEqualTo(204);
  }

  @Test
  void aLoadAfterBootSpecificConfigurationIsRefusedButNotAfterLoggerOrSerial() {
    assertThat(
            vm.put("/serial", "{\"serial_out_path\": \"" + dir.resolve("console") + "\"}").status())
        .isEqualTo(204);
    assertThat(vm.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}").status())
        .isEqualTo(204);
    assertThat(fault(vm.put("/snapshot/load", load())))
        .isEqualTo(
            "Load snapshot error: Loading a microVM snapshot not allowed after configuring"
                + " boot-specific resources.");
  }

  @Test
  void aFailedLoadLeavesTheVmmAsItWas() {
    vm.hypervisor.failNextStart("snapshot_path: vm.state: damaged: its CRC-32C is 0x1");
    assertThat(fault(vm.put("/snapshot/load", load())))
        .isEqualTo(
            "Load snapshot error: Failed to restore from snapshot: snapshot_path: vm.state:"
                + " damaged: its CRC-32C is 0x1");
    assertThat(
            Json.parse(vm.get("/").body().getBytes(StandardCharsets.UTF_8)).get("state").asText())
        .isEqualTo("Not started");
    assertThat(vm.put("/snapshot/load", load()).status()).as("another load").isEqualTo(204);
  }

  @Test
  void createIsAPostBootActionOnAPausedVm() {
    String create =
        "{\"snapshot_type\": \"Diff\", \"snapshot_path\": \"s\", \"mem_file_path\": \"m\"}";
    assertThat(fault(vm.put("/snapshot/create", create)))
        .isEqualTo("The requested operation is not supported before starting the microVM.");
    vm.boot();
    vm.patch("/vm", "{\"state\": \"Paused\"}");
    assertThat(vm.put("/snapshot/create", create).status()).isEqualTo(204);
    assertThat(vm.hypervisor.vm().calls()).contains("createSnapshot Diff s m");
    assertThat(vm.logText()).contains("'create diff snapshot' VMM action took");
    vm.hypervisor.vm().failNext(new dev.updraft.vmm.runtime.VmSnapshotException("disk full"));
    assertThat(fault(vm.put("/snapshot/create", create)))
        .isEqualTo("Create snapshot error: disk full");
  }

  private static String load() {
    return "{\"snapshot_path\": \"vm.state\", \"mem_backend\": {\"backend_type\": \"File\","
        + " \"backend_path\": \"vm.mem\"}}";
  }
}
