package dev.updraft.vmm.config;

import static dev.updraft.vmm.config.DeviceConfigTest.drive;
import static dev.updraft.vmm.config.DeviceConfigTest.iface;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.virtio.block.CacheType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmResourcesTest {
  private final VmResources empty = VmResources.defaults();

  @Test
  void theRootDeviceComesFirstWhateverTheOrderOfInsertion() {
    VmResources resources =
        empty
            .withDrive(drive("data", false))
            .withDrive(drive("scratch", false))
            .withDrive(drive("rootfs", true));
    assertThat(resources.drives())
        .extracting(Drive::driveId)
        .containsExactly("rootfs", "data", "scratch");
  }

  @Test
  void aSecondRootDeviceIsRefusedButTheRootMayBeReplaced() {
    VmResources resources = empty.withDrive(drive("rootfs", true));
    assertThatThrownBy(() -> resources.withDrive(drive("other", true)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "is_root_device: true (expected: false, drive \"rootfs\" is already the root device)");
    Drive replacement = drive("rootfs", true).with(new DriveUpdate("rootfs", Path.of("/b"), null));
    assertThat(resources.withDrive(replacement).drives()).containsExactly(replacement);
    assertThatThrownBy(
            () ->
                new VmResources(
                    MachineConfig.DEFAULT,
                    null,
                    List.of(drive("a", true), drive("b", true)),
                    List.of(),
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(),
                    null))
        .hasMessageContaining("at most one root device");
  }

  private static PmemConfig pmem(String id, boolean root) {
    return new PmemConfig(id, Path.of("/pmem/" + id), root, false, null);
  }

  @Test
  void aWholeConfigurationHasAtMostOneRootAmongDrivesAndPmemDevices() {
    assertThatThrownBy(() -> withPmem(List.of(), List.of(pmem("a", true), pmem("b", true))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "A root pmem device already exist (root_device: true on pmem \"b\", expected: false,"
                + " pmem \"a\" is the root device)");
    assertThatThrownBy(() -> withPmem(List.of(drive("rootfs", true)), List.of(pmem("a", true))))
        .hasMessageStartingWith(
            "Attempt to add pmem as a root device while the root device defined as a block"
                + " device");
    assertThatThrownBy(() -> withPmem(List.of(), List.of(pmem("a", false), pmem("a", false))))
        .hasMessage("id: \"a\" (expected: a value no other device uses)");
    assertThat(withPmem(List.of(drive("rootfs", true)), List.of(pmem("a", false))).pmem())
        .hasSize(1);
    assertThat(empty.withPmemDevices(List.of(pmem("a", true))).pmem()).hasSize(1);
  }

  @Test
  void aPmemUpdatePatchesTheLimiterOfAKnownDeviceOnly() {
    VmResources resources = empty.withPmem(pmem("a", false));
    var limiter =
        new dev.updraft.vmm.ratelimit.RateLimiterConfig(
            null, new dev.updraft.vmm.ratelimit.TokenBucketConfig(5, 0, 100));
    assertThat(resources.withPmemUpdate(new PmemUpdate("a", limiter)).pmem("a").orElseThrow())
        .isEqualTo(new PmemConfig("a", Path.of("/pmem/a"), false, false, limiter));
    assertThatThrownBy(() -> resources.withPmemUpdate(new PmemUpdate("b", limiter)))
        .hasMessage("id: \"b\" (expected: the id of a configured pmem device)");
    assertThatThrownBy(() -> new PmemUpdate("a-b", null))
        .hasMessageContaining("letters, digits and underscores");
  }

  private static VmResources withPmem(List<Drive> drives, List<PmemConfig> pmem) {
    return new VmResources(
        MachineConfig.DEFAULT,
        null,
        drives,
        List.of(),
        null,
        null,
        false,
        null,
        null,
        null,
        null,
        null,
        pmem,
        null);
  }

  @Test
  void putWithTheSameIdReplacesInPlace() {
    VmResources resources = empty.withDrive(drive("a", false)).withDrive(drive("b", false));
    Drive readOnly =
        new Drive(
            "a", Path.of("/ro"), false, null, true, CacheType.WRITEBACK, IoEngine.ASYNC, null);
    assertThat(resources.withDrive(readOnly).drives()).containsExactly(readOnly, drive("b", false));
  }

  @Test
  void networkIdsTapsAndMacsAreUnique() {
    VmResources resources = empty.withNetworkInterface(iface("net1", "tap0", "06:00:00:00:00:01"));
    assertThatThrownBy(() -> resources.withNetworkInterface(iface("net2", "tap0", null)))
        .hasMessage("host_dev_name: \"tap0\" (expected: a value no other device uses)");
    assertThatThrownBy(
            () -> resources.withNetworkInterface(iface("net2", "tap1", "06:00:00:00:00:01")))
        .hasMessage("guest_mac: \"06:00:00:00:00:01\" (expected: a value no other device uses)");
    assertThat(resources.withNetworkInterface(iface("net2", "tap1", null)).networkInterfaces())
        .hasSize(2);
    assertThat(resources.withNetworkInterface(iface("net1", "tap9", null)).networkInterfaces())
        .extracting(NetworkInterface::hostDevName)
        .containsExactly("tap9");
  }

  @Test
  void updatesNeedAKnownId() {
    VmResources resources =
        empty.withDrive(drive("rootfs", true)).withNetworkInterface(iface("net1", "tap0", null));
    assertThat(
            resources
                .withDriveUpdate(new DriveUpdate("rootfs", Path.of("/new"), null))
                .drive("rootfs"))
        .get()
        .extracting(Drive::pathOnHost)
        .isEqualTo(Path.of("/new"));
    assertThatThrownBy(() -> resources.withDriveUpdate(new DriveUpdate("nope", null, null)))
        .hasMessage("drive_id: \"nope\" (expected: the id of a configured drive)");
    assertThatThrownBy(
            () ->
                resources.withNetworkInterfaceUpdate(
                    new NetworkInterfaceUpdate("eth9", null, null)))
        .hasMessage("iface_id: \"eth9\" (expected: the id of a configured network interface)");
  }

  @Test
  void hugetlbfsAndAnInitrdDoNotMix() {
    VmResources hugepages =
        empty.withMachine(
            new MachineConfig(1, 128, false, false, HugePages.HUGETLBFS_2M, CpuTemplate.NONE));
    assertThatThrownBy(
            () -> hugepages.withBootSource(new BootSource(Path.of("/k"), Path.of("/initrd"), null)))
        .hasMessage("huge_pages: 2M (expected: None or Transparent when an initrd is configured)");
    assertThat(hugepages.withBootSource(new BootSource(Path.of("/k"), null, null)).bootSource())
        .isNotNull();
  }

  @Test
  void withersKeepEverythingElse() {
    VmResources full =
        empty
            .withBootSource(new BootSource(Path.of("/k"), null, null))
            .withDrive(drive("rootfs", true))
            .withEntropy(new EntropyConfig(null))
            .withSerial(new SerialConfig(Path.of("/serial.out"), null))
            .withVsock(new VsockConfig(null, 3, Path.of("/tmp/v.sock")))
            .withBootTimer(true);
    VmResources changed =
        full.withMachine(
            MachineConfig.DEFAULT.with(new MachineConfigUpdate(2, null, null, null, null, null)));
    assertThat(changed.machine().vcpuCount()).isEqualTo(2);
    assertThat(changed.bootSource()).isEqualTo(full.bootSource());
    assertThat(changed.drives()).isEqualTo(full.drives());
    assertThat(changed.entropy()).isEqualTo(full.entropy());
    assertThat(changed.serial()).isEqualTo(full.serial());
    assertThat(changed.bootTimer()).isTrue();
    assertThat(changed.vsock()).isEqualTo(full.vsock());
  }
}
