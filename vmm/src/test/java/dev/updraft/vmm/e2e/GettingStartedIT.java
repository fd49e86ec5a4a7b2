package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's getting-started sequence, call for call, against {@code updraft vm} as a process of
 * its own on real KVM: curl with no Content-Type PUTs /logger, /boot-source, /drives/rootfs,
 * /machine-config and /actions InstanceStart; the guest's console appears on the VMM's stdout; a
 * bad request gets 400 with a fault_message and the VMM keeps serving; the guest's reset ends the
 * process with exit code 0 and its write reached the root drive's file.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class GettingStartedIT {
  private static final int SECTOR = 512;
  @TempDir Path dir;
  private UpdraftVm vmm;

  @AfterEach
  void kill() {
    if (vmm != null) {
      vmm.close();
    }
  }

  @Test
  void curlDrivesAFreshVmmFromBootSourceToInstanceStart() throws Exception {
    Path socket = dir.resolve("firecracker.socket");
    Path console = dir.resolve("console.txt");
    Path log = dir.resolve("firecracker.log");
    byte[] sector0 = new byte[SECTOR];
    new Random(3).nextBytes(sector0);
    Path rootfs = dir.resolve("rootfs.ext4");
    byte[] image = new byte[1 << 20];
    System.arraycopy(sector0, 0, image, 0, SECTOR);
    Files.write(rootfs, image);

    vmm = UpdraftVm.start(socket, console);

    assertThat(
            vmm.curl(
                "PUT",
                "/logger",
                "{\"log_path\": \""
                    + log
                    + "\", \"level\": \"Debug\", \"show_level\": true, \"show_log_origin\": true}"))
        .isEqualTo("204");
    assertThat(
            vmm.curl(
                "PUT",
                "/boot-source",
                "{\"kernel_image_path\": \""
                    + GuestImages.pvh("blk")
                    + "\", \"boot_args\": \"console=ttyS0 reboot=k panic=1 expect_sectors=2048\"}"))
        .isEqualTo("204");
    assertThat(
            vmm.curl(
                "PUT",
                "/drives/rootfs",
                "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
                    + rootfs
                    + "\", \"is_root_device\": true, \"is_read_only\": false}"))
        .isEqualTo("204");
    assertThat(vmm.curl("PUT", "/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}"))
        .isEqualTo("204");
    assertThat(vmm.curl("PUT", "/machine-config", "{\"vcpu_count\": 64, \"mem_size_mib\": 256}"))
        .startsWith("400 {\"fault_message\":")
        .contains("vcpu_count");
    assertThat(vmm.curl("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
        .isEqualTo("204");

    assertThat(vmm.process.waitFor(60, TimeUnit.SECONDS))
        .as("the VMM ends with its guest")
        .isTrue();
    assertThat(vmm.process.exitValue()).isZero();
    GuestReport report = GuestReport.parse(Files.readString(console));
    report.requirePassed("blk-found", "blk-read", "blk-write", "blk-readback", "blk-compare");
    assertThat(report.require("flush"))
        .as("cache_type defaults to Unsafe")
        .isEqualTo("not offered");
    byte[] written = Files.readAllBytes(rootfs);
    for (int i = 0; i < SECTOR; i++) {
      assertThat(written[SECTOR + i]).as("byte %d of sector 1", i).isEqualTo((byte) ~sector0[i]);
    }
    assertThat(Files.readString(log)).contains("Successfully started microvm");
    assertThat(socket).doesNotExist();
  }

  @Test
  void aRunningGuestPausesResumesAndAnswersItsState() throws Exception {
    Path socket = dir.resolve("fc.sock");
    Path console = dir.resolve("console.txt");
    vmm = UpdraftVm.start(socket, console);
    vmm.curl(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("ctrlaltdel")
            + "\", \"boot_args\": \"wait_ms=30000\"}");
    assertThat(vmm.curl("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
        .isEqualTo("204");
    assertThat(vmm.curl("PUT", "/boot-source", "{\"kernel_image_path\": \"/x\"}"))
        .as("boot-source after boot")
        .startsWith("400 ");
    vmm.await(console, "ready");
    assertThat(vmm.curl("PATCH", "/vm", "{\"state\": \"Paused\"}")).isEqualTo("204");
    assertThat(vmm.curl("GET", "/", null)).contains("\"state\":\"Paused\"");
    assertThat(vmm.curl("PATCH", "/vm", "{\"state\": \"Resumed\"}")).isEqualTo("204");
    assertThat(vmm.curl("GET", "/", null)).contains("\"state\":\"Running\"");
    assertThat(vmm.curl("PUT", "/actions", "{\"action_type\": \"SendCtrlAltDel\"}"))
        .isEqualTo("204");
    assertThat(vmm.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(vmm.process.exitValue()).isZero();
    GuestReport.parse(Files.readString(console)).requirePassed("ctrl-alt-del");
  }
}
