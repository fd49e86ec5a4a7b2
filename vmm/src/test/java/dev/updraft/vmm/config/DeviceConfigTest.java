package dev.updraft.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.virtio.block.CacheType;
import dev.updraft.vmm.virtio.net.MacAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DeviceConfigTest {
  static Drive drive(String id, boolean root) {
    return new Drive(
        id, Path.of("/disk/" + id), root, null, false, CacheType.UNSAFE, IoEngine.SYNC, null);
  }

  static NetworkInterface iface(String id, String tap, String mac) {
    return new NetworkInterface(
        id, tap, mac == null ? null : MacAddress.parse(mac), null, null, null);
  }

  @Test
  void idsAreLettersDigitsAndUnderscores() {
    assertThat(drive("root_fs1", true).driveId()).isEqualTo("root_fs1");
    assertThatThrownBy(() -> drive("root-fs", true))
        .hasMessage(
            "drive_id: \"root-fs\" (expected: letters, digits and underscores, at most 64"
                + " characters)");
    assertThatThrownBy(() -> drive("", true))
        .hasMessage("drive_id: \"\" (expected: a non-empty id)");
    assertThatThrownBy(() -> drive("a".repeat(65), true)).hasMessageContaining("at most 64");
  }

  @Test
  void hostDeviceNamesAreLinuxInterfaceNames() {
    assertThat(iface("net1", "tap0", null).hostDevName()).isEqualTo("tap0");
    assertThat(iface("net1", "a".repeat(15), null).hostDevName()).hasSize(15);
    for (String bad : new String[] {"", "a".repeat(16), "tap/0", "tap 0", ".."}) {
      assertThatThrownBy(() -> iface("net1", bad, null))
          .as(bad)
          .hasMessageContaining("host_dev_name: \"" + bad + "\"");
    }
  }

  @Test
  void mtuIsBetween68And65535() {
    assertThat(new NetworkInterface("n", "tap0", null, 68, null, null).mtu()).isEqualTo(68);
    assertThat(new NetworkInterface("n", "tap0", null, 65535, null, null).mtu()).isEqualTo(65535);
    assertThatThrownBy(() -> new NetworkInterface("n", "tap0", null, 67, null, null))
        .hasMessage("mtu: 67 (expected: 68 to 65535)");
    assertThatThrownBy(() -> new NetworkInterface("n", "tap0", null, 65536, null, null))
        .hasMessage("mtu: 65536 (expected: 68 to 65535)");
  }

  @Test
  void bootArgsDefaultToFirecrackersAndAreBounded() {
    BootSource source = new BootSource(Path.of("/vmlinux"), null, null);
    assertThat(source.effectiveBootArgs()).startsWith("reboot=k panic=1 nomodule");
    assertThat(new BootSource(Path.of("/vmlinux"), null, "console=ttyS0").effectiveBootArgs())
        .isEqualTo("console=ttyS0");
    assertThat(new BootSource(Path.of("/k"), null, "a".repeat(2047)).bootArgs()).hasSize(2047);
    assertThatThrownBy(() -> new BootSource(Path.of("/k"), null, "a".repeat(2048)))
        .hasMessage("boot_args: 2048 bytes (expected: at most 2047)");
  }

  @Test
  void updatesReplaceOnlyWhatTheyName() {
    RateLimiterConfig limiter = new RateLimiterConfig(new TokenBucketConfig(10, 0, 100), null);
    Drive drive = drive("rootfs", true);
    Drive limited = drive.with(new DriveUpdate("rootfs", null, limiter));
    assertThat(limited.pathOnHost()).isEqualTo(drive.pathOnHost());
    assertThat(limited.rateLimiter()).isEqualTo(limiter);
    Drive moved = limited.with(new DriveUpdate("rootfs", Path.of("/new"), null));
    assertThat(moved.pathOnHost()).isEqualTo(Path.of("/new"));
    assertThat(moved.rateLimiter()).isEqualTo(limiter);

    NetworkInterface net = iface("net1", "tap0", null);
    NetworkInterface rx = net.with(new NetworkInterfaceUpdate("net1", limiter, null));
    assertThat(rx.rxRateLimiter()).isEqualTo(limiter);
    assertThat(rx.txRateLimiter()).isNull();
  }
}
