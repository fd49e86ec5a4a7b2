package dev.updraft.vmm;

import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.config.VsockConfig;
import dev.updraft.vmm.core.KvmHypervisor;
import dev.updraft.vmm.runtime.Hypervisor;
import dev.updraft.vmm.runtime.VmLogger;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.seccomp.ThreadKind;
import dev.updraft.vmm.virtio.block.CacheType;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The configuration of a microVM to boot, as Firecracker's API takes it ({@code /boot-source},
 * {@code /machine-config}, {@code /drives}, {@code /vsock}, {@code /serial}); {@link #boot()}
 * builds and starts it. Values are checked by the same records the HTTP API uses, so a bad value
 * fails with the same message, naming the field.
 */
public final class MicroVmBuilder {
  private String id = "embedded";
  private Path kernel;
  private Path initrd;
  private String bootArgs;
  private int vcpus = 1;
  private int memoryMib = MachineConfig.DEFAULT_MEM_SIZE_MIB;
  private boolean trackDirtyPages;
  private VmResources devices = VmResources.defaults();
  private SeccompFilters seccomp = SeccompFilters.none();
  private VmLogger log;

  MicroVmBuilder() {}

  /** A name for the log ({@code dev.updraft.vmm.<id>}); letters, digits, underscores. */
  public MicroVmBuilder id(String id) {
    this.id = Objects.requireNonNull(id, "id");
    return this;
  }

  /** The guest kernel: an ELF with a PVH note, a Linux vmlinux, or a bzImage. Required. */
  public MicroVmBuilder kernel(Path kernel) {
    this.kernel = kernel;
    return this;
  }

  public MicroVmBuilder initrd(Path initrd) {
    this.initrd = initrd;
    return this;
  }

  /** The kernel command line; Firecracker's default when not set. */
  public MicroVmBuilder bootArgs(String bootArgs) {
    this.bootArgs = bootArgs;
    return this;
  }

  public MicroVmBuilder vcpus(int count) {
    this.vcpus = count;
    return this;
  }

  public MicroVmBuilder memoryMib(int mib) {
    this.memoryMib = mib;
    return this;
  }

  /** Tracks written pages, which diff snapshots need. */
  public MicroVmBuilder trackDirtyPages(boolean track) {
    this.trackDirtyPages = track;
    return this;
  }

  /** Appends the guest's serial console to {@code file}; by default it goes to stdout. */
  public MicroVmBuilder console(Path file) {
    devices = devices.withSerial(new SerialConfig(file, null));
    return this;
  }

  /** A virtio block device backed by {@code file}; the first root device is {@code /dev/vda}. */
  public MicroVmBuilder drive(String driveId, Path file, boolean root, boolean readOnly) {
    devices =
        devices.withDrive(
            new Drive(driveId, file, root, null, readOnly, CacheType.UNSAFE, IoEngine.SYNC, null));
    return this;
  }

  /**
   * A virtio-vsock device with context id {@code guestCid}; the host side is the Unix socket {@code
   * udsPath} (created at boot), which {@link MicroVm#connect(int)} uses.
   */
  public MicroVmBuilder vsock(long guestCid, Path udsPath) {
    devices = devices.withVsock(new VsockConfig("vsock", guestCid, udsPath));
    return this;
  }

  /**
   * Seccomp filters for the VM's threads ({@link SeccompFilters#defaults()}, or a Firecracker
   * document through {@link SeccompFilters#fromFile}). None by default: the {@code vmm} filter
   * applies to every thread of the process, the application's own included, so an application opts
   * in knowing what its threads call.
   */
  public MicroVmBuilder seccomp(SeccompFilters filters) {
    this.seccomp = Objects.requireNonNull(filters, "filters");
    return this;
  }

  /** Where the VM logs; by default the {@link System.Logger} {@code dev.updraft.vmm.<id>}. */
  public MicroVmBuilder log(VmLogger log) {
    this.log = log;
    return this;
  }

  /**
   * Builds the VM and starts its vCPUs; returns once the guest runs.
   *
   * @throws dev.updraft.vmm.config.ConfigException if a value is invalid (the message names it)
   * @throws dev.updraft.vmm.runtime.VmStartException if the VM cannot be built; nothing is left
   */
  public MicroVm boot() {
    if (kernel == null) {
      throw new IllegalStateException("kernel: not set (expected: the path of a guest kernel)");
    }
    VmResources resources =
        devices
            .withMachine(
                new MachineConfig(
                    vcpus, memoryMib, false, trackDirtyPages, HugePages.NONE, CpuTemplate.NONE))
            .withBootSource(new BootSource(kernel, initrd, bootArgs));
    VmLogger logger = log != null ? log : SystemLog.named(id);
    return new MicroVm(hypervisor(seccomp).start(resources, logger), resources, false);
  }

  /** A hypervisor for one embedded VM: no stdin console, nothing stacked on the caller's thread. */
  static Hypervisor hypervisor(SeccompFilters filters) {
    Hypervisor hypervisor = new KvmHypervisor(false);
    hypervisor.confine(filters, ThreadKind.VMM);
    return hypervisor;
  }
}
