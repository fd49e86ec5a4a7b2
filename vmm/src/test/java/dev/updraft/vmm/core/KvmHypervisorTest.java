package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.vcpu.VcpuStop;
import dev.updraft.vmm.virtio.block.CacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvmHypervisorTest {
  @TempDir Path dir;

  @Test
  void theCommandLineGetsTheRootDriveAndPciOffAsFirecrackerAppendsThem() throws Exception {
    VmResources resources = resources("console=ttyS0", drive("rootfs", true, true, null));
    assertThat(KvmHypervisor.cmdline(resources).text())
        .isEqualTo("console=ttyS0 root=/dev/vda ro pci=off");
  }

  @Test
  void aPartuuidRootAndTheDefaultBootArgs() throws Exception {
    VmResources resources = resources(null, drive("rootfs", true, false, "abcd-01"));
    assertThat(KvmHypervisor.cmdline(resources).text())
        .startsWith(BootSource.DEFAULT_BOOT_ARGS)
        .endsWith(" root=PARTUUID=abcd-01 rw pci=off");
  }

  @Test
  void aRootPmemIsNamedByItsPlaceAmongThePmemDevices() throws Exception {
    Path file = Files.writeString(dir.resolve("pmem.img"), "p");
    VmResources resources =
        VmResources.defaults()
            .withBootSource(
                new BootSource(Files.writeString(dir.resolve("vmlinux"), "k"), null, "quiet"))
            .withPmem(new PmemConfig("data", file, false, false, null))
            .withPmem(new PmemConfig("root", file, true, true, null));
    assertThat(KvmHypervisor.cmdline(resources).text())
        .isEqualTo("quiet root=/dev/pmem1 ro pci=off");
    assertThat(
            KvmHypervisor.cmdline(
                    resources.withPmem(new PmemConfig("root", file, true, false, null)))
                .text())
        .isEqualTo("quiet root=/dev/pmem1 rw pci=off");
  }

  @Test
  void guestResetsAndFailuresBecomeFirecrackersExitCodes() {
    assertThat(RunningMicroVm.exitOf(new VcpuStop.GuestEnded("reset (i8042)")).exitCode()).isZero();
    assertThat(RunningMicroVm.exitOf(new VcpuStop.Requested()).exitCode()).isZero();
    assertThat(RunningMicroVm.exitOf(new VcpuStop.Failed("KVM could not emulate")))
        .satisfies(
            e -> {
              assertThat(e.exitCode()).isEqualTo(1);
              assertThat(e.reason()).isEqualTo("KVM could not emulate");
            });
  }

  private VmResources resources(String bootArgs, Drive drive) throws Exception {
    Path kernel = Files.writeString(dir.resolve("vmlinux"), "k");
    return VmResources.defaults()
        .withBootSource(new BootSource(kernel, null, bootArgs))
        .withDrive(drive);
  }

  private Drive drive(String id, boolean root, boolean readOnly, String partuuid) throws Exception {
    Path file = Files.writeString(dir.resolve(id + ".img"), "disk");
    return new Drive(id, file, root, partuuid, readOnly, CacheType.UNSAFE, IoEngine.SYNC, null);
  }
}
