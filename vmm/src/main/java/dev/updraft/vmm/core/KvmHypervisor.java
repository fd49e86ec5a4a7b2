package dev.updraft.vmm.core;

import dev.updraft.sys.Fd;
import dev.updraft.sys.Host;
import dev.updraft.vmm.boot.BootException;
import dev.updraft.vmm.boot.KernelCmdline;
import dev.updraft.vmm.config.BalloonConfig;
import dev.updraft.vmm.config.BootSource;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.cpu.CpuTemplateException;
import dev.updraft.vmm.devices.BootTimer;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.mmds.Mmds;
import dev.updraft.vmm.runtime.Hypervisor;
import dev.updraft.vmm.runtime.RestoredVm;
import dev.updraft.vmm.runtime.RunningVm;
import dev.updraft.vmm.runtime.VmLogger;
import dev.updraft.vmm.runtime.VmSnapshotException;
import dev.updraft.vmm.runtime.VmStartException;
import dev.updraft.vmm.seccomp.SeccompFilters;
import dev.updraft.vmm.seccomp.ThreadKind;
import dev.updraft.vmm.snapshot.MicrovmState;
import dev.updraft.vmm.snapshot.SnapshotFile;
import dev.updraft.vmm.snapshot.VmConfig;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The hypervisor behind {@code updraft vm} and {@code firecracker}: turns the API's validated
 * resources into a microVM on KVM (Firecracker's build_microvm_for_boot) and starts it.
 */
public final class KvmHypervisor implements Hypervisor {
  // Read once: the guest's console input is this process's stdin, as in Firecracker.
  private static final Fd STDIN = Fd.adopt(0, "stdin");
  // Firecracker's default API payload limit, which is its default MMDS limit too: for a restore
  // whose caller (the embedding API) made no data store.
  private static final long DEFAULT_MMDS_LIMIT = 51_200;
  // Null when many VMs share the process: no guest may read another's keystrokes.
  private final Fd consoleInput;
  private SeccompFilters filters = SeccompFilters.none();
  private ThreadKind callerKind = ThreadKind.VMM;

  /** A hypervisor whose guests read this process's stdin, as Firecracker's do. */
  public KvmHypervisor() {
    this(true);
  }

  /**
   * @param stdinConsole whether the guest's serial input is this process's stdin; false for VMs
   *     that share a process ({@code updraft vm serve}, the embedding API)
   */
  public KvmHypervisor(boolean stdinConsole) {
    this.consoleInput = stdinConsole ? STDIN : null;
  }

  @Override
  public void confine(SeccompFilters filters, ThreadKind callerKind) {
    this.filters = Objects.requireNonNull(filters, "filters");
    this.callerKind = Objects.requireNonNull(callerKind, "callerKind");
  }

  @Override
  public RunningVm start(VmResources resources, VmLogger log) {
    BootTimer.Start started = BootTimer.Start.now();
    BootSource boot = resources.bootSource();
    if (boot == null) {
      throw new VmStartException("Cannot start microvm without kernel configuration.");
    }
    MachineConfig machine = resources.machine();
    warnAboutHost(machine, resources, log);
    MicroVmBuilder builder =
        new MicroVmBuilder(machine.vcpuCount(), (long) machine.memSizeMib() << 20)
            .smt(machine.smt())
            .kernel(boot.kernelImagePath())
            .initrd(boot.initrdPath())
            .serialOutput(serialOutput(resources))
            .serialInput(consoleInput)
            .transparentHugePages(machine.hugePages() == HugePages.TRANSPARENT)
            .trackDirtyPages(machine.trackDirtyPages())
            .log(log::info);
    if (resources.bootTimer()) {
      builder.bootTimer(started);
    }
    if (resources.cpuConfig() != null) {
      builder.cpuTemplate(resources.cpuConfig());
    } else if (machine.cpuTemplate() != null) {
      builder.staticCpuTemplate(machine.cpuTemplate());
    }
    if (resources.serial() != null && resources.serial().rateLimiter() != null) {
      builder.serialRateLimit(DeviceConfigs.bucket(resources.serial().rateLimiter()));
    }
    try {
      builder.cmdline(cmdline(resources));
      for (Drive drive : resources.drives()) {
        builder.drive(DeviceConfigs.block(drive));
      }
      for (NetworkInterface nic : resources.networkInterfaces()) {
        builder.net(DeviceConfigs.net(nic), nic.hostDevName());
      }
      resources.pmem().forEach(builder::pmem);
      if (resources.mmdsConfig() != null && resources.mmds() != null) {
        builder.mmds(
            resources.mmds(),
            resources.mmdsConfig().ipv4Address().value(),
            java.util.Set.copyOf(resources.mmdsConfig().networkInterfaces()));
      }
      if (resources.vsock() != null) {
        builder.vsock(resources.vsock().guestCid(), resources.vsock().udsPath());
      }
      if (resources.balloon() != null) {
        BalloonConfig balloon = resources.balloon();
        builder.balloon(
            new MicroVmBuilder.BalloonDevice(
                balloon.amountMib(),
                balloon.deflateOnOom(),
                balloon.statsPollingIntervalS(),
                balloon.freePageHinting(),
                balloon.freePageReporting()));
      }
      if (resources.memoryHotplug() != null) {
        builder.memoryHotplug(resources.memoryHotplug());
      }
      if (resources.entropy() != null) {
        builder.entropy(DeviceConfigs.limiter(resources.entropy().rateLimiter()));
      }
      MicroVm vm = builder.build();
      vm.start(filters);
      filters.installOnCurrentThread(callerKind);
      return new RunningMicroVm(vm, log);
    } catch (BootException | MachineException | CpuTemplateException | IllegalArgumentException e) {
      throw new VmStartException(e.getMessage());
    } catch (RuntimeException e) {
      throw new VmStartException("Cannot start microvm: " + e);
    }
  }

  @Override
  public RestoredVm restore(SnapshotLoad request, VmResources given, VmLogger log) {
    BootTimer.Start started = BootTimer.Start.now();
    if (Host.onKvmPvm()) {
      log.warn("KVM backend kvm_pvm: guest code at CPL 0 is emulated by KVM (about 1000x slower)");
    }
    PhaseLog phases = PhaseLog.startingAt(started.wallNanos());
    try {
      MicrovmState state = SnapshotFile.read(request.snapshotPath());
      VmConfig config = state.config().withOverrides(request);
      phases.mark("read_state");
      VmResources current =
          config.mmds() != null && given.mmds() == null
              ? given.withMmds(new Mmds(DEFAULT_MMDS_LIMIT))
              : given;
      MicroVmRestorer restorer =
          new MicroVmRestorer()
              .serialOutput(serialOutput(current))
              .mmds(current.mmds())
              .serialInput(consoleInput)
              .loadStarted(started)
              .phases(phases)
              .log(log::info);
      if (current.serial() != null && current.serial().rateLimiter() != null) {
        restorer.serialRateLimit(DeviceConfigs.bucket(current.serial().rateLimiter()));
      }
      MicroVm vm = restorer.restore(state.withConfig(config), request);
      vm.startPaused(filters);
      phases.mark("vcpu_threads");
      filters.installOnCurrentThread(callerKind);
      phases.mark("api_filter");
      vm.machine()
          .firstEntry()
          .thenAccept(
              nanos ->
                  log.info(
                      "Guest running from the snapshot: first KVM_RUN "
                          + (nanos - started.wallNanos()) / 1_000
                          + " us after the load request (vcpu thread running at "
                          + (vm.machine().vcpuThreadStarted() - started.wallNanos()) / 1_000
                          + " us)"));
      if (request.resumeVm()) {
        vm.resume();
        phases.mark("resume");
      }
      log.info("Snapshot loaded: " + phases);
      VmResources resources =
          config
              .toResources(current)
              .withMachine(
                  new dev.updraft.vmm.config.MachineConfig(
                      config.machine().vcpuCount(),
                      config.machine().memSizeMib(),
                      config.machine().smt(),
                      request.trackDirtyPages(),
                      request.hugePages().resolve(config.machine().hugePages()),
                      config.machine().cpuTemplate()))
              .withPmemDevices(vm.pmemConfigs())
              .withBalloon(
                  vm.balloon()
                      .map(
                          b ->
                              new BalloonConfig(
                                  b.amountMib(),
                                  b.deflateOnOom(),
                                  b.statsIntervalS(),
                                  b.freePageHinting(),
                                  b.freePageReporting()))
                      .orElse(null))
              .withMemoryHotplug(
                  vm.mem()
                      .map(
                          m ->
                              new dev.updraft.vmm.config.MemoryHotplugConfig(
                                  m.status().totalSizeMib(),
                                  m.status().blockSizeMib(),
                                  m.status().slotSizeMib()))
                      .orElse(null));
      return new RestoredVm(new RunningMicroVm(vm, log), resources);
    } catch (VmStartException e) {
      throw new VmSnapshotException(e.getMessage(), e);
    } catch (RuntimeException e) {
      // SnapshotException, MachineException, a KVM refusal (SysException), a device's refusal
      // (IllegalArgumentException) or configuration (ConfigException): all name what is wrong.
      throw new VmSnapshotException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  // Firecracker's order: the user's boot_args (or its default), root=, then pci=off; the builder
  // then appends one virtio_mmio.device= entry per device.
  static KernelCmdline cmdline(VmResources resources) {
    BootSource boot = resources.bootSource();
    KernelCmdline line =
        boot.bootArgs() == null
            ? KernelCmdline.firecrackerDefault()
            : KernelCmdline.of(boot.bootArgs());
    for (Drive drive : resources.drives()) {
      if (drive.isRootDevice()) {
        line =
            drive.partuuid() == null
                ? line.withRootDevice(drive.isReadOnly())
                : line.withRootPartuuid(drive.partuuid(), drive.isReadOnly());
      }
    }
    // Firecracker's attach_pmem_devices: /dev/pmem<N> by the device's place among the pmem ones.
    for (int i = 0; i < resources.pmem().size(); i++) {
      if (resources.pmem().get(i).rootDevice()) {
        line = line.withRootPmem(i, resources.pmem().get(i).readOnly());
      }
    }
    return line.withPciOff();
  }

  private static OutputStream serialOutput(VmResources resources) {
    if (resources.serial() == null || resources.serial().serialOutPath() == null) {
      return new FileOutputStream(FileDescriptor.out);
    }
    try {
      return Files.newOutputStream(
          resources.serial().serialOutPath(),
          StandardOpenOption.CREATE,
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new VmStartException(
          "serial_out_path: " + resources.serial().serialOutPath() + ": " + e.getMessage());
    }
  }

  private static void warnAboutHost(MachineConfig machine, VmResources resources, VmLogger log) {
    if (Host.onKvmPvm()) {
      log.warn(
          "KVM backend kvm_pvm: guest code at CPL 0 is emulated by KVM (about 1000x slower) and"
              + " some instructions cannot be emulated; a Linux kernel will not boot on this host");
    }
    if (machine.hugePages() == HugePages.HUGETLBFS_2M) {
      throw new VmStartException("huge_pages \"2M\" (hugetlbfs) is not supported by updraft yet");
    }
    for (Drive drive : resources.drives()) {
      if (drive.ioEngine() == IoEngine.ASYNC) {
        log.warn("drive " + drive.driveId() + ": io_engine Async runs as Sync in updraft");
      }
    }
  }
}
