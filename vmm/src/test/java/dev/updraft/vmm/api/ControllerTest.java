package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.runtime.FakeVm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pre-boot and post-boot rules through the dispatcher, on a fake hypervisor. */
class ControllerTest extends OnTestVmm {
  @Test
  void instanceInfoFollowsTheState() throws Exception {
    JsonNode info = TestVmm.json(vm.get("/"));
    assertThat(info.get("id").asText()).isEqualTo("test-vm");
    assertThat(info.get("state").asText()).isEqualTo("Not started");
    assertThat(info.get("vmm_version").asText()).isEqualTo(Versions.FIRECRACKER);
    assertThat(info.get("app_name").asText()).isEqualTo("Firecracker");
    vm.boot();
    assertThat(TestVmm.json(vm.get("/")).get("state").asText()).isEqualTo("Running");
    assertThat(vm.patch("/vm", "{\"state\": \"Paused\"}").status()).isEqualTo(204);
    assertThat(TestVmm.json(vm.get("/")).get("state").asText()).isEqualTo("Paused");
    assertThat(vm.patch("/vm", "{\"state\": \"Resumed\"}").status()).isEqualTo(204);
    assertThat(TestVmm.json(vm.get("/")).get("state").asText()).isEqualTo("Running");
    assertThat(vm.hypervisor.vm().calls()).containsExactly("pause", "resume");
    assertThat(TestVmm.json(vm.get("/version")).get("firecracker_version").asText())
        .isEqualTo("1.17.0-dev");
  }

  @Test
  void postBootActionsAreRefusedBeforeBoot() {
    for (String[] request :
        new String[][] {
          {"PUT", "/actions", "{\"action_type\": \"FlushMetrics\"}"},
          {"PUT", "/actions", "{\"action_type\": \"SendCtrlAltDel\"}"},
          {"PATCH", "/vm", "{\"state\": \"Paused\"}"},
          {"PATCH", "/drives/rootfs", "{\"drive_id\": \"rootfs\"}"},
          {"PATCH", "/network-interfaces/net1", "{\"iface_id\": \"net1\"}"}
        }) {
      assertThat(TestVmm.fault(vm.call(request[0], request[1], request[2])))
          .as(request[0] + " " + request[1])
          .isEqualTo("The requested operation is not supported before starting the microVM.");
    }
  }

  @Test
  void configurationIsRefusedAfterBoot() {
    vm.boot();
    for (String[] request :
        new String[][] {
          {"PUT", "/boot-source", "{\"kernel_image_path\": \"" + vm.kernel + "\"}"},
          {"PUT", "/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 128}"},
          {"PATCH", "/machine-config", "{\"vcpu_count\": 2}"},
          {
            "PUT",
            "/drives/data",
            "{\"drive_id\": \"data\", \"path_on_host\": \""
                + vm.rootfs
                + "\", \"is_root_device\": false}"
          },
          {"PUT", "/network-interfaces/n", "{\"iface_id\": \"n\", \"host_dev_name\": \"tap0\"}"},
          {"PUT", "/entropy", "{}"},
          {"PUT", "/serial", "{}"},
          {"PUT", "/logger", "{\"level\": \"Debug\"}"},
          {"PUT", "/metrics", "{\"metrics_path\": \"" + dir.resolve("m") + "\"}"},
          {"PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"}
        }) {
      assertThat(TestVmm.fault(vm.call(request[0], request[1], request[2])))
          .as(request[0] + " " + request[1])
          .isEqualTo("The requested operation is not supported after starting the microVM.");
    }
    assertThat(vm.hypervisor.started()).hasSize(1);
  }

  @Test
  void instanceStartNeedsABootSourceAndReportsHypervisorFailures() {
    assertThat(TestVmm.fault(vm.put("/actions", "{\"action_type\": \"InstanceStart\"}")))
        .isEqualTo("Start microvm error: Cannot start microvm without kernel configuration.");
    vm.put("/boot-source", "{\"kernel_image_path\": \"" + vm.kernel + "\"}");
    vm.hypervisor.failNextStart("KVM hypervisor not available in this build");
    assertThat(TestVmm.fault(vm.put("/actions", "{\"action_type\": \"InstanceStart\"}")))
        .isEqualTo("Start microvm error: KVM hypervisor not available in this build");
    assertThat(TestVmm.json(vm.get("/")).get("state").asText()).isEqualTo("Not started");
    assertThat(vm.put("/actions", "{\"action_type\": \"InstanceStart\"}").status()).isEqualTo(204);
  }

  @Test
  void filesAreCheckedWhenConfigured() {
    assertThat(
            TestVmm.fault(
                vm.put("/boot-source", "{\"kernel_image_path\": \"" + dir.resolve("none") + "\"}")))
        .isEqualTo(
            "Boot source error: kernel_image_path: "
                + dir.resolve("none")
                + " (expected: an existing file the VMM can read)");
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/boot-source",
                    "{\"kernel_image_path\": \""
                        + vm.kernel
                        + "\", \"initrd_path\": \""
                        + dir
                        + "\"}")))
        .startsWith("Boot source error: initrd_path: ");
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/drives/rootfs",
                    "{\"drive_id\": \"rootfs\", \"path_on_host\": \"/nonexistent.img\", \"is_root_device\": true}")))
        .isEqualTo(
            "Drive config error: path_on_host: /nonexistent.img (expected: an existing file or block"
                + " device the VMM can read and write)");
  }

  @Test
  void putMachineConfigResetsWhatItOmitsAndPatchKeepsIt() {
    vm.put(
        "/machine-config",
        "{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"smt\": true, \"track_dirty_pages\": true}");
    vm.patch("/machine-config", "{\"mem_size_mib\": 512}");
    JsonNode patched = TestVmm.json(vm.get("/machine-config"));
    assertThat(patched.get("vcpu_count").asInt()).isEqualTo(2);
    assertThat(patched.get("mem_size_mib").asInt()).isEqualTo(512);
    assertThat(patched.get("smt").asBoolean()).isTrue();
    assertThat(patched.get("track_dirty_pages").asBoolean()).isTrue();
    vm.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}");
    JsonNode reset = TestVmm.json(vm.get("/machine-config"));
    assertThat(reset.get("smt").asBoolean()).isFalse();
    assertThat(reset.get("track_dirty_pages").asBoolean()).isFalse();
    assertThat(reset.get("huge_pages").asText()).isEqualTo("None");
    assertThat(reset.has("cpu_template")).isFalse();
  }

  @Test
  void aFailedUpdateChangesNothing() {
    vm.put("/machine-config", "{\"vcpu_count\": 4, \"mem_size_mib\": 256, \"smt\": true}");
    assertThat(TestVmm.fault(vm.patch("/machine-config", "{\"vcpu_count\": 3}")))
        .isEqualTo(
            "Machine config error: vcpu_count: 3 (expected: 1 or an even number when smt is true)");
    assertThat(TestVmm.json(vm.get("/machine-config")).get("vcpu_count").asInt()).isEqualTo(4);
  }

  @Test
  void deprecatedCpuTemplatesAreCountedAndFlagged() {
    ApiReply reply =
        vm.put(
            "/machine-config",
            "{\"vcpu_count\": 1, \"mem_size_mib\": 128, \"cpu_template\": \"T2\"}");
    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.deprecated()).isTrue();
    assertThat(TestVmm.json(vm.get("/machine-config")).get("cpu_template").asText())
        .isEqualTo("T2");
    assertThat(vm.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}").deprecated())
        .isFalse();
    assertThat(TestVmm.json(vm.get("/machine-config")).has("cpu_template")).isFalse();
    assertThat(vm.metrics.deprecatedApi().snapshot())
        .containsEntry("deprecated_http_api_calls", 1L);
    assertThat(vm.logText()).contains("PUT /machine-config: cpu_template field is deprecated.");
  }

  @Test
  void drivesAndInterfacesChangeAtRunTimeOnlyWhereFirecrackerAllows() throws Exception {
    vm.put("/network-interfaces/net1", "{\"iface_id\": \"net1\", \"host_dev_name\": \"tap0\"}");
    vm.boot();
    FakeVm fake = vm.hypervisor.vm();
    Path swapped = Files.writeString(dir.resolve("swapped.ext4"), "new");
    assertThat(
            vm.patch(
                    "/drives/rootfs",
                    "{\"drive_id\": \"rootfs\", \"path_on_host\": \"" + swapped + "\"}")
                .status())
        .isEqualTo(204);
    assertThat(
            vm.patch(
                    "/network-interfaces/net1",
                    "{\"iface_id\": \"net1\", \"rx_rate_limiter\": {\"ops\": {\"size\": 100, \"refill_time\": 1000}}}")
                .status())
        .isEqualTo(204);
    assertThat(TestVmm.fault(vm.patch("/drives/data", "{\"drive_id\": \"data\"}")))
        .isEqualTo(
            "Drive config error: drive_id: \"data\" (expected: the id of a configured drive)");
    assertThat(
            TestVmm.fault(
                vm.patch(
                    "/drives/rootfs", "{\"drive_id\": \"rootfs\", \"path_on_host\": \"/gone\"}")))
        .isEqualTo(
            "Drive config error: path_on_host: /gone (expected: an existing file or block device)");
    assertThat(
            TestVmm.fault(
                vm.patch("/drives/rootfs", "{\"drive_id\": \"rootfs\", \"is_read_only\": true}")))
        .contains(
            "is_read_only: unknown field (expected one of: drive_id, path_on_host, rate_limiter)");
    assertThat(fake.calls())
        .containsExactly(
            "updateDrive rootfs " + swapped + " null",
            "updateNetworkRateLimiters net1 RateLimiterConfig[bandwidth=null,"
                + " ops=TokenBucketConfig[size=100, oneTimeBurst=0, refillTimeMs=1000]] null");
    JsonNode config = TestVmm.json(vm.get("/vm/config"));
    assertThat(config.at("/drives/0/path_on_host").asText()).isEqualTo(swapped.toString());
    assertThat(config.at("/network-interfaces/0/rx_rate_limiter/ops/size").asLong()).isEqualTo(100);
  }

  @Test
  void aPatchedLimiterShowsInTheConfigAsTheDeviceRunsIt() throws Exception {
    vm.put(
        "/network-interfaces/net1",
        "{\"iface_id\": \"net1\", \"host_dev_name\": \"tap0\", \"tx_rate_limiter\":"
            + " {\"bandwidth\": {\"size\": 1000, \"refill_time\": 10}, \"ops\": {\"size\": 5,"
            + " \"refill_time\": 10}}}");
    vm.boot();
    // The ops bucket is left out (kept), the bandwidth bucket replaced; then ops disabled (gone).
    vm.patch(
        "/network-interfaces/net1",
        "{\"iface_id\": \"net1\", \"tx_rate_limiter\": {\"bandwidth\": {\"size\": 2000,"
            + " \"refill_time\": 20}}}");
    JsonNode tx = TestVmm.json(vm.get("/vm/config")).at("/network-interfaces/0/tx_rate_limiter");
    assertThat(tx.at("/bandwidth/size").asLong()).isEqualTo(2000);
    assertThat(tx.at("/ops/size").asLong()).as("kept").isEqualTo(5);
    vm.patch(
        "/network-interfaces/net1",
        "{\"iface_id\": \"net1\", \"tx_rate_limiter\": {\"ops\": {\"size\": 0,"
            + " \"refill_time\": 0}}}");
    tx = TestVmm.json(vm.get("/vm/config")).at("/network-interfaces/0/tx_rate_limiter");
    assertThat(tx.at("/bandwidth/size").asLong()).isEqualTo(2000);
    assertThat(tx.get("ops").isNull()).as("a disabled bucket is removed").isTrue();
  }

  @Test
  void aFailingVmOperationIsA400AndTheVmmCarriesOn() {
    vm.boot();
    vm.hypervisor.vm().failNext(new IllegalStateException("vCPU 0 did not stop"));
    assertThat(TestVmm.fault(vm.patch("/vm", "{\"state\": \"Paused\"}")))
        .isEqualTo("Internal VMM error: vCPU 0 did not stop");
    assertThat(TestVmm.json(vm.get("/")).get("state").asText()).isEqualTo("Running");
    assertThat(vm.patch("/vm", "{\"state\": \"Paused\"}").status()).isEqualTo(204);
  }

  @Test
  void theGuestEndingTerminatesWithItsExitCode() throws Exception {
    vm.boot();
    vm.hypervisor.vm().end(3, "guest reset");
    assertThat(vm.vmm.terminated().get(10, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(vm.logText()).contains("Vmm is stopping: guest reset (exit code 3)");
  }

  @Test
  void requestsAreCountedAsFirecrackerCountsThem() {
    vm.get("/");
    vm.get("/machine-config");
    vm.put("/machine-config", "{\"vcpu_count\": 99, \"mem_size_mib\": 128}");
    vm.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}");
    vm.put(
        "/drives/x", "{\"drive_id\": \"y\", \"path_on_host\": \"/x\", \"is_root_device\": false}");
    vm.patch("/machine-config", "{\"smt\": false}");
    vm.put("/nope", "{}");
    assertThat(vm.metrics.getRequests().snapshot())
        .containsEntry("instance_info_count", 1L)
        .containsEntry("machine_cfg_count", 1L);
    assertThat(vm.metrics.putRequests().snapshot())
        .containsEntry("machine_cfg_count", 2L)
        .containsEntry("machine_cfg_fails", 1L)
        .containsEntry("drive_count", 1L)
        .containsEntry("drive_fails", 1L);
    assertThat(vm.metrics.patchRequests().snapshot()).containsEntry("machine_cfg_count", 1L);
  }

  @Test
  void requestsAreLoggedWithFirecrackersWording() {
    vm.put("/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}");
    vm.get("/nope");
    assertThat(vm.logText())
        .contains(
            "The API server received a Put request on \"/machine-config\" with body \"{\\\"vcpu_count\\\": 1, \\\"mem_size_mib\\\": 128}\".")
        .contains("The request was executed successfully. Status code: 204 No Content.")
        .contains(
            "Received Error. Status code: 400 Bad Request. Message: Invalid request method and/or path: GET /nope.");
  }

  @Test
  void theFullConfigurationLoadsBackAsAConfigFile() {
    vm.put(
        "/machine-config",
        "{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"huge_pages\": \"Transparent\"}");
    vm.put(
        "/boot-source",
        "{\"kernel_image_path\": \"" + vm.kernel + "\", \"boot_args\": \"console=ttyS0\"}");
    vm.put(
        "/drives/rootfs",
        "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
            + vm.rootfs
            + "\", \"is_root_device\": true, \"partuuid\": \"abc\","
            + " \"rate_limiter\": {\"bandwidth\": {\"size\": 10, \"one_time_burst\": 2, \"refill_time\": 3}}}");
    vm.put(
        "/drives/data",
        "{\"drive_id\": \"data\", \"path_on_host\": \""
            + vm.rootfs
            + "\", \"is_root_device\": false, \"is_read_only\": true, \"cache_type\": \"Writeback\"}");
    vm.put(
        "/network-interfaces/net1",
        "{\"iface_id\": \"net1\", \"host_dev_name\": \"tap0\", \"guest_mac\": \"06:00:ac:10:00:02\", \"mtu\": 9000}");
    vm.put("/entropy", "{\"rate_limiter\": {\"ops\": {\"size\": 1, \"refill_time\": 1}}}");
    vm.put("/serial", "{\"serial_out_path\": \"" + dir.resolve("serial.out") + "\"}");
    vm.put("/logger", "{\"log_path\": \"" + dir.resolve("log") + "\", \"level\": \"Debug\"}");
    ApiReply exported = vm.get("/vm/config");
    assertThat(exported.status()).isEqualTo(200);
    VmResources original = vm.vmm.resources();

    try (TestVmm copy = new TestVmm(dir.resolve("..").resolve(dir.getFileName()))) {
      for (ConfigFile.Step step :
          ConfigFile.steps(exported.body().getBytes(StandardCharsets.UTF_8))) {
        copy.vmm.handle(step.action());
      }
      assertThat(copy.vmm.resources()).isEqualTo(original);
      assertThat(copy.get("/vm/config").body()).isEqualTo(exported.body());
    }
  }

  @Test
  void metricsAreWrittenAtBootPeriodicallyAndAtTheEnd() throws Exception {
    Path metrics = dir.resolve("metrics.json");
    try (TestVmm fast = new TestVmm(dir, Duration.ofMillis(50))) {
      fast.put("/metrics", "{\"metrics_path\": \"" + metrics + "\"}");
      assertThat(Files.readAllLines(metrics)).isEmpty();
      fast.boot();
      assertThat(Files.readAllLines(metrics)).hasSize(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.readAllLines(metrics).size() < 4) {
        assertThat(System.nanoTime()).as("periodic lines").isLessThan(deadline);
        Thread.sleep(10);
      }
      fast.hypervisor.vm().end(0, "done");
      assertThat(fast.vmm.terminated().get(10, TimeUnit.SECONDS)).isZero();
      int atEnd = Files.readAllLines(metrics).size();
      Thread.sleep(200);
      assertThat(Files.readAllLines(metrics)).as("no lines after the end").hasSize(atEnd);
      for (String line : Files.readAllLines(metrics)) {
        assertThat(Json.parse(line.getBytes(StandardCharsets.UTF_8)).has("utc_timestamp_ms"))
            .isTrue();
      }
    }
  }

  @Test
  void aFaultMessageQuotingWhatTheClientSentStaysOnOneLine() {
    // The same class of bug as ApiBodyFuzzTest's finding, for a path: every fault is escaped.
    assertThat(TestVmm.fault(vm.put("/nope\nINFO forged", "{}")))
        .doesNotContain("\n")
        .contains("/nope\\u000aINFO forged");
    assertThat(vm.logText().lines()).noneMatch(line -> line.startsWith("INFO forged"));
  }
}
