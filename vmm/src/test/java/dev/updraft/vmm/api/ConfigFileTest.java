package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  private static List<ConfigFile.Step> steps(String json) {
    return ConfigFile.steps(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void firecrackersExampleBecomesTheSameActionsAsTheApi() {
    List<ConfigFile.Step> steps =
        steps(
            """
            {
              "boot-source": {"kernel_image_path": "vmlinux.bin", "boot_args": "console=ttyS0 reboot=k panic=1 pci=off"},
              "drives": [
                {"drive_id": "rootfs", "path_on_host": "bionic.rootfs.ext4", "is_root_device": true, "is_read_only": false}
              ],
              "machine-config": {"vcpu_count": 2, "mem_size_mib": 1024, "smt": false},
              "network-interfaces": [{"iface_id": "eth0", "guest_mac": "AA:FC:00:00:00:01", "host_dev_name": "tap0"}],
              "logger": {"level": "Info"},
              "metrics": {"metrics_path": "/tmp/metrics.fifo"},
              "entropy": {},
              "serial": {"serial_out_path": "/tmp/serial.out"},
              "balloon": null, "vsock": null, "mmds-config": null, "cpu-config": null, "pmem": [], "memory-hotplug": null
            }
            """);
    assertThat(steps)
        .extracting(ConfigFile.Step::section)
        .containsExactly(
            "logger",
            "metrics",
            "machine-config",
            "boot-source",
            "drives[0]",
            "network-interfaces[0]",
            "entropy",
            "serial");
    assertThat(steps.get(4).action()).isInstanceOf(VmmAction.InsertBlockDevice.class);
    assertThat(steps.get(2).action()).isInstanceOf(VmmAction.UpdateMachineConfiguration.class);
  }

  @Test
  void unknownKeysAreRejectedWithTheirPath() {
    assertThatThrownBy(
            () ->
                steps("{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"machine_config\": {}}"))
        .isInstanceOf(JsonFieldException.class)
        .hasMessageStartingWith(
            "machine_config: unknown field (expected one of: boot-source, drives,");
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": [{\"drive_id\": \"a\","
                        + " \"path_on_host\": \"p\", \"is_root_device\": true, \"rate_limiter\": {\"bandwith\": {}}}]}"))
        .hasMessage(
            "drives[0].rate_limiter.bandwith: unknown field (expected one of: bandwidth, ops)");
    assertThatThrownBy(
            () -> steps("{\"boot-source\": {\"kernel_image_path\": \"k\", \"initrd\": \"i\"}}"))
        .hasMessageStartingWith("boot-source.initrd: unknown field");
  }

  @Test
  void invalidValuesNameTheSection() {
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"machine-config\": {\"vcpu_count\": 64, \"mem_size_mib\": 1}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("machine-config: vcpu_count: 64 (expected: 1 to 32)");
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"network-interfaces\": [{\"iface_id\": \"a\", \"host_dev_name\": \"t\"},"
                        + " {\"iface_id\": \"b b\", \"host_dev_name\": \"t2\"}]}"))
        .hasMessageStartingWith("network-interfaces[1]: iface_id: \"b b\"");
    assertThatThrownBy(
            () -> steps("{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": {}}"))
        .hasMessage("drives: {} (expected: an array)");
  }

  @Test
  void memoryHotplugTakesFirecrackersDefaultsAndRules() {
    assertThat(
            steps(
                "{\"boot-source\": {\"kernel_image_path\": \"k\"},"
                    + " \"memory-hotplug\": {\"total_size_mib\": 1024}}"))
        .last()
        .extracting(ConfigFile.Step::action)
        .isEqualTo(
            new VmmAction.SetMemoryHotplugDevice(
                new dev.updraft.vmm.config.MemoryHotplugConfig(1024, 2, 128)));
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"},"
                        + " \"memory-hotplug\": {\"total_size_mib\": 1000}}"))
        .hasMessage(
            "memory-hotplug: total_size_mib: 1000 (expected: a multiple of slot_size_mib (128"
                + " MiB))");
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"},"
                        + " \"memory-hotplug\": {\"total_size_mib\": 1024, \"size\": 1}}"))
        .hasMessageContaining("size");
  }

  @Test
  void aBootSourceIsRequired() {
    assertThatThrownBy(() -> steps("{\"drives\": []}"))
        .hasMessage("boot-source: missing (expected: a JSON object)");
    assertThat(steps("{\"boot-source\": {\"kernel_image_path\": \"k\"}}")).hasSize(1);
  }

  @Test
  void pmemDevicesBecomeInsertPmemDeviceStepsInOrder() {
    List<ConfigFile.Step> steps =
        steps(
            "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"pmem\": [{\"id\": \"p0\","
                + " \"path_on_host\": \"a\", \"root_device\": true}, {\"id\": \"p1\","
                + " \"path_on_host\": \"b\", \"read_only\": true}]}");
    assertThat(steps)
        .extracting(ConfigFile.Step::section)
        .containsExactly("boot-source", "pmem[0]", "pmem[1]");
    var first = (VmmAction.InsertPmemDevice) steps.get(1).action();
    assertThat(first.config().rootDevice()).isTrue();
    assertThat(first.config().readOnly()).isFalse();
    var second = (VmmAction.InsertPmemDevice) steps.get(2).action();
    assertThat(second.config().readOnly()).isTrue();
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"pmem\": [{\"id\": \"p\"}]}"))
        .hasMessageContaining("path_on_host: missing");
  }

  @Test
  void aCpuConfigIsTakenInlineOrFromAFileAfterTheMachineConfig(@TempDir Path dir) throws Exception {
    String inline =
        "{\"boot-source\": {\"kernel_image_path\": \"k\"},"
            + " \"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": 128, \"cpu_template\": \"T2\"},"
            + " \"cpu-config\": {\"kvm_capabilities\": [\"171\"]}}";
    List<ConfigFile.Step> steps = steps(inline);
    assertThat(steps)
        .extracting(ConfigFile.Step::section)
        .containsSubsequence("machine-config", "cpu-config");
    assertThat(steps)
        .filteredOn(s -> s.section().equals("cpu-config"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(
                        ((VmmAction.PutCpuConfiguration) s.action()).template().kvmCapabilities())
                    .hasSize(1));

    Path file = Files.writeString(dir.resolve("t.json"), "{\"kvm_capabilities\": [\"!7\"]}");
    assertThat(
            steps(
                "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"cpu-config\": \""
                    + file
                    + "\"}"))
        .filteredOn(s -> s.section().equals("cpu-config"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(
                        ((VmmAction.PutCpuConfiguration) s.action())
                            .template()
                            .kvmCapabilities()
                            .getFirst()
                            .remove())
                    .isTrue());
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"cpu-config\": \""
                        + dir.resolve("missing.json")
                        + "\"}"))
        .hasMessageContaining(
            "missing.json: NoSuchFileException (expected: a readable custom CPU template file)");
    Path bad =
        Files.writeString(dir.resolve("bad.json"), "{\"msr_modifiers\": [{\"addr\": \"16\"}]}");
    assertThatThrownBy(
            () ->
                steps(
                    "{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"cpu-config\": \""
                        + bad
                        + "\"}"))
        .hasMessageContaining("cpu-config(" + bad + ").msr_modifiers[0].addr: \"16\"");
  }
}
