package dev.updraft.vmm.core;

import dev.updraft.sys.Fd;
import dev.updraft.sys.MappedMemory;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.MemoryHotplugConfig;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.devices.BootTimer;
import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.mmds.Mmds;
import dev.updraft.vmm.mmds.MmdsNetworkStack;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.snapshot.MemoryFile;
import dev.updraft.vmm.snapshot.MicrovmState;
import dev.updraft.vmm.snapshot.SnapshotException;
import dev.updraft.vmm.snapshot.UffdHandover;
import dev.updraft.vmm.snapshot.VirtioDeviceState;
import dev.updraft.vmm.snapshot.VmConfig;
import dev.updraft.vmm.virtio.balloon.VirtioBalloon;
import dev.updraft.vmm.virtio.mem.VirtioMemState;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Builds a microVM from a snapshot (Firecracker's build_microvm_from_snapshot): the machine on the
 * snapshot's memory (the memory file mapped copy-on-write, or anonymous memory a page-fault handler
 * fills), the same devices at the same slots made from the saved configuration through the same
 * {@link DeviceWiring} as a boot and given their saved state, then the vCPUs' and the VM's KVM
 * state. No kernel is loaded and no boot structure written: memory holds the guest as it was. The
 * vCPUs are left to the caller to start, paused.
 */
final class MicroVmRestorer {
  private OutputStream serialOutput = OutputStream.nullOutputStream();
  private Fd serialInput;
  private TokenBucketConfig serialLimit = TokenBucketConfig.DISABLED;
  private BootTimer.Start loadStarted = BootTimer.Start.now();
  private Consumer<String> log = message -> {};
  private PhaseLog phases = PhaseLog.start();
  private Mmds mmds;

  MicroVmRestorer serialOutput(OutputStream out) {
    this.serialOutput = Objects.requireNonNull(out, "serialOutput");
    return this;
  }

  MicroVmRestorer serialInput(Fd in) {
    this.serialInput = in;
    return this;
  }

  MicroVmRestorer serialRateLimit(TokenBucketConfig bucket) {
    this.serialLimit = Objects.requireNonNull(bucket, "serialRateLimit");
    return this;
  }

  /** When the load request came: a restored boot timer counts from there. */
  MicroVmRestorer loadStarted(BootTimer.Start start) {
    this.loadStarted = Objects.requireNonNull(start, "loadStarted");
    return this;
  }

  /** Where the restore marks its phases (memory, vcpus, devices, vcpu_state ...). */
  MicroVmRestorer phases(PhaseLog log) {
    this.phases = Objects.requireNonNull(log, "phases");
    return this;
  }

  /**
   * The data store the restored interfaces answer MMDS requests from, if the snapshot's
   * configuration has MMDS (the store itself is never in a snapshot).
   */
  MicroVmRestorer mmds(Mmds store) {
    this.mmds = store;
    return this;
  }

  MicroVmRestorer log(Consumer<String> sink) {
    this.log = Objects.requireNonNull(sink, "log");
    return this;
  }

  /**
   * The VM of {@code state} (its configuration already carries the load's overrides).
   *
   * @throws SnapshotException if the memory backend or a device cannot be had as the state says
   */
  MicroVm restore(MicrovmState state, SnapshotLoad load) {
    VmConfig config = state.config();
    long memoryBytes = (long) config.machine().memSizeMib() << 20;
    if (!state.memory().equals(Layout.ramRegions(memoryBytes))) {
      throw new SnapshotException(
          "memory regions: "
              + state.memory()
              + " (expected: the layout of "
              + config.machine().memSizeMib()
              + " MiB, "
              + Layout.ramRegions(memoryBytes)
              + ")");
    }
    HugePages hugePages = load.hugePages().resolve(config.machine().hugePages());
    if (hugePages == HugePages.HUGETLBFS_2M) {
      throw new SnapshotException("huge_pages \"2M\" (hugetlbfs) is not supported by updraft yet");
    }
    GuestRam memory = memory(state.memory(), state.memoryBytes(), load);
    KvmMachine machine =
        KvmMachine.create(memory, config.machine().vcpuCount(), load.trackDirtyPages(), phases);
    DeviceSet devices = new DeviceSet();
    EventLoop loop = new EventLoop(e -> log.accept("device error: " + e.getMessage()));
    try {
      if (load.memBackend().type() == SnapshotLoad.BackendType.UFFD) {
        devices.resources.add(UffdHandover.handOver(load.memBackend().path(), machine.memory()));
      }
      if (hugePages == HugePages.TRANSPARENT) {
        for (int i = 0; i < machine.memory().regions().size(); i++) {
          machine.memory().advise(i, MappedMemory.MADV_HUGEPAGE);
        }
      }
      devices.metrics.add(machine.vcpuCounters());
      DeviceWiring wiring = new DeviceWiring(machine, loop, devices, log);
      wiring.serial(serialOutput, serialLimit, serialInput).restore(state.devices().serial());
      wiring.i8042().restore(state.devices().i8042());
      if (state.devices().bootTimer()) {
        wiring.bootTimer(loadStarted);
      }
      MmdsStacks stacks = new MmdsStacks(config, mmds, devices);
      for (VirtioDeviceState saved : state.devices().virtio()) {
        restoreVirtio(wiring, config, saved, stacks);
      }
      phases.mark("devices");
      machine.restoreVcpus(state.vcpus(), log);
      phases.mark("vcpu_state");
      machine.restoreVm(state.vm(), load.clockRealtime());
      phases.mark("vm_state");
      stacks.configureStore();
      MicroVm vm = MicroVm.running(machine, loop, devices);
      vm.resumeDevicesAfterRestore();
      phases.mark("device_thread");
      return vm;
    } catch (RuntimeException e) {
      loop.stop();
      loop.close();
      MicroVm.closeAll(devices.resources);
      machine.close();
      throw e;
    }
  }

  private static GuestRam memory(List<MemoryRegion> regions, long bytes, SnapshotLoad load) {
    return switch (load.memBackend().type()) {
      case FILE -> {
        MemoryFile.requireSize(load.memBackend().path(), bytes, "mem_backend.backend_path");
        yield new GuestRam.PrivateFile(regions, load.memBackend().path());
      }
      case UFFD -> new GuestRam.Anonymous(regions);
    };
  }

  /**
   * MMDS stacks for the restored interfaces the configuration names, as a boot makes them, on the
   * given store; the store takes the saved version and IMDS mode only once the restore succeeded (a
   * failed load changes nothing).
   */
  private static final class MmdsStacks {
    private final VmConfig config;
    private final Mmds store;
    private final Counters counters = new Counters("mmds");
    // Initial sequence numbers a guest cannot predict from one connection to the next.
    private final SplittableRandom isn = new SplittableRandom(new SecureRandom().nextLong());

    MmdsStacks(VmConfig config, Mmds store, DeviceSet devices) {
      this.config = config;
      this.store = store;
      if (config.mmds() != null) {
        if (store == null) {
          throw new SnapshotException(
              "mmds: the snapshot has an MMDS configuration but the VMM gave no data store");
        }
        devices.metrics.add(counters);
      }
    }

    void configureStore() {
      if (config.mmds() != null) {
        store.configure(config.mmds().version(), config.mmds().imdsCompat());
      }
    }

    MmdsNetworkStack forInterface(String ifaceId) {
      if (config.mmds() == null || !config.mmds().networkInterfaces().contains(ifaceId)) {
        return null;
      }
      return new MmdsNetworkStack(
          config.mmds().ipv4Address().value(), store, counters, System::nanoTime, isn::nextInt);
    }
  }

  private static void restoreVirtio(
      DeviceWiring wiring, VmConfig config, VirtioDeviceState saved, MmdsStacks mmds) {
    switch (saved) {
      case VirtioDeviceState.Block b -> {
        Drive drive =
            config.drives().stream()
                .filter(d -> d.driveId().equals(b.id()))
                .findFirst()
                .orElseThrow(() -> missing("drive", b.id()));
        var block = wiring.block(DeviceConfigs.block(drive), b.slot());
        block.transport().restore(b.transport());
        block.device().restore(b.device());
      }
      case VirtioDeviceState.Net n -> {
        NetworkInterface nic =
            config.networkInterfaces().stream()
                .filter(i -> i.ifaceId().equals(n.id()))
                .findFirst()
                .orElseThrow(() -> missing("network interface", n.id()));
        var net =
            wiring.net(
                DeviceConfigs.net(nic), nic.hostDevName(), n.slot(), mmds.forInterface(n.id()));
        net.transport().restore(n.transport());
        net.device().restore(n.device());
      }
      case VirtioDeviceState.Balloon b -> {
        var balloon =
            wiring.balloon(
                new MicroVmBuilder.BalloonDevice(
                    b.device().targetPages() / VirtioBalloon.PAGES_PER_MIB,
                    b.device().deflateOnOom(),
                    b.device().statsIntervalS(),
                    b.device().freePageHinting(),
                    b.device().freePageReporting()),
                b.slot());
        balloon.transport().restore(b.transport());
        balloon.device().restore(b.device());
      }
      case VirtioDeviceState.Vsock v -> {
        if (config.vsock() == null) {
          throw missing("vsock device", v.id());
        }
        var vsock = wiring.vsock(config.vsock().guestCid(), config.vsock().udsPath(), v.slot());
        vsock.transport().restore(v.transport());
        vsock.device().restore(v.device());
      }
      case VirtioDeviceState.Pmem p -> {
        var pmem =
            wiring.pmem(
                p.config(),
                p.slot(),
                size -> {
                  if (size != p.device().region().size()) {
                    throw new SnapshotException(
                        "Restored pmem size "
                            + p.device().region().size()
                            + " does not match backing file mapping size "
                            + size
                            + " (pmem \""
                            + p.id()
                            + "\", path_on_host: "
                            + p.config().pathOnHost()
                            + ")");
                  }
                  return p.device().region();
                });
        pmem.transport().restore(p.transport());
        pmem.device().restore(p.device());
      }
      case VirtioDeviceState.Mem m -> {
        VirtioMemState s = m.device();
        var mem =
            wiring.mem(
                new MemoryHotplugConfig(
                    s.regionSize() >> 20, s.blockSize() >> 20, s.slotSize() >> 20),
                s.address(),
                m.slot());
        mem.transport().restore(m.transport());
        mem.device().restore(s);
      }
      case VirtioDeviceState.Rng r -> {
        if (config.entropy() == null) {
          throw missing("entropy device", r.id());
        }
        var rng = wiring.rng(DeviceConfigs.limiter(config.entropy().rateLimiter()), r.slot());
        rng.transport().restore(r.transport());
        rng.device().restore(r.device());
      }
    }
  }

  private static SnapshotException missing(String what, String id) {
    return new SnapshotException(
        "devices: " + what + " \"" + id + "\" has state but no configuration in the snapshot");
  }
}
