package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code /hotplug/memory}: PUT before boot, PATCH and GET after, with Firecracker's bodies. */
class MemoryHotplugApiTest extends OnTestVmm {
  @Test
  void aDeviceIsConfiguredBeforeBootWithDefaultsAndShownInTheConfig() {
    assertThat(TestVmm.json(vm.get("/vm/config")).get("memory-hotplug").isNull()).isTrue();
    assertThat(vm.put("/hotplug/memory", "{\"total_size_mib\": 1024}").status()).isEqualTo(204);
    JsonNode config = TestVmm.json(vm.get("/vm/config")).get("memory-hotplug");
    assertThat(config.get("total_size_mib").asLong()).isEqualTo(1024);
    assertThat(config.get("block_size_mib").asLong()).isEqualTo(2);
    assertThat(config.get("slot_size_mib").asLong()).isEqualTo(128);

    vm.boot();
    assertThat(vm.hypervisor.started().getFirst().memoryHotplug().totalSizeMib()).isEqualTo(1024);
    assertThat(TestVmm.fault(vm.put("/hotplug/memory", "{\"total_size_mib\": 1024}")))
        .isEqualTo("The requested operation is not supported after starting the microVM.");
  }

  @Test
  void eachRuleIsAppliedWithTheFieldNamed() {
    assertThat(
            TestVmm.fault(
                vm.put("/hotplug/memory", "{\"total_size_mib\": 1024, \"block_size_mib\": 3}")))
        .isEqualTo("Memory hotplug config error: block_size_mib: 3 (expected: a power of 2)");
    assertThat(TestVmm.fault(vm.put("/hotplug/memory", "{\"total_size_mib\": 64}")))
        .isEqualTo(
            "Memory hotplug config error: total_size_mib: 64 (expected: at least slot_size_mib"
                + " (128 MiB))");
    assertThat(TestVmm.fault(vm.put("/hotplug/memory", "{\"total_size_mib\": -1}")))
        .contains("total_size_mib: -1 (expected: an integer from 0 to 4294967295)");
    assertThat(TestVmm.fault(vm.put("/hotplug/memory", "{\"block_size_mib\": 2}")))
        .contains("total_size_mib");
    assertThat(TestVmm.fault(vm.put("/hotplug/memory", "{\"total_size_mib\": 128, \"x\": 1}")))
        .contains("x");
  }

  @Test
  void updatesAndStatusAreForAfterBoot() {
    vm.put("/hotplug/memory", "{\"total_size_mib\": 256}");
    String notPreBoot = "The requested operation is not supported before starting the microVM.";
    assertThat(TestVmm.fault(vm.patch("/hotplug/memory", "{\"requested_size_mib\": 2}")))
        .isEqualTo(notPreBoot);
    assertThat(TestVmm.fault(vm.get("/hotplug/memory"))).isEqualTo(notPreBoot);
  }

  @Test
  void afterBootTheRequestedSizeMovesAndTheStatusFollows() throws Exception {
    vm.put("/hotplug/memory", "{\"total_size_mib\": 256}");
    vm.boot();
    assertThat(vm.patch("/hotplug/memory", "{\"requested_size_mib\": 64}").status()).isEqualTo(204);
    assertThat(vm.hypervisor.vm().calls()).contains("updateMemoryHotplugSize 64");
    JsonNode status = TestVmm.json(vm.get("/hotplug/memory"));
    assertThat(status.get("total_size_mib").asLong()).isEqualTo(256);
    assertThat(status.get("block_size_mib").asLong()).isEqualTo(2);
    assertThat(status.get("slot_size_mib").asLong()).isEqualTo(128);
    assertThat(status.get("requested_size_mib").asLong()).isEqualTo(64);
    assertThat(status.get("plugged_size_mib").asLong()).isEqualTo(64);
    assertThat(TestVmm.fault(vm.patch("/hotplug/memory", "{\"requested_size_mib\": 3}")))
        .startsWith("Memory hotplug update error: requested_size_mib: 3");
    assertThat(TestVmm.fault(vm.patch("/hotplug/memory", "{\"size\": 3}"))).contains("size");

    TestVmm bare = new TestVmm(Files.createDirectories(dir.resolve("bare")));
    try {
      bare.boot();
      assertThat(TestVmm.fault(bare.patch("/hotplug/memory", "{\"requested_size_mib\": 2}")))
          .isEqualTo(
              "Memory hotplug update error: Failed perform action on device: Device not found");
      assertThat(TestVmm.fault(bare.get("/hotplug/memory")))
          .isEqualTo("Internal VMM error: Failed perform action on device: Device not found");
    } finally {
      bare.close();
    }
  }
}
