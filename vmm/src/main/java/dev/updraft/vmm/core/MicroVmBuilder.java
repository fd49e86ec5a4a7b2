package dev.updraft.vmm.core;

import dev.updraft.sys.Fd;
import dev.updraft.sys.MappedMemory;
import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.GsiAllocator;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.MmioAllocator;
import dev.updraft.vmm.boot.BootCpuState;
import dev.updraft.vmm.boot.BootPlan;
import dev.updraft.vmm.boot.GuestBoot;
import dev.updraft.vmm.boot.ImageSource;
import dev.updraft.vmm.boot.Initrd;
import dev.updraft.vmm.boot.InitrdLoader;
import dev.updraft.vmm.boot.KernelCmdline;
import dev.updraft.vmm.boot.KernelLoader;
import dev.updraft.vmm.boot.LoadedKernel;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.MemoryHotplugConfig;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.cpu.StaticCpuTemplates;
import dev.updraft.vmm.devices.BootTimer;
import dev.updraft.vmm.eventloop.EventLoop;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.mmds.Mmds;
import dev.updraft.vmm.mmds.MmdsNetworkStack;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.virtio.block.BlockConfig;
import dev.updraft.vmm.virtio.net.NetConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Builds a microVM in Firecracker's order (builder.rs): machine, legacy devices, kernel and initrd,
 * boot timer, virtio devices (their order gives their MMIO slots and GSIs), then the boot
 * structures and vCPU state. Nothing runs until {@link MicroVm#start()}.
 */
public final class MicroVmBuilder {
  private final int vcpus;
  private final long memoryBytes;
  private boolean smt;
  private CustomCpuTemplate cpuTemplate = CustomCpuTemplate.EMPTY;
  private CpuTemplate staticCpuTemplate = CpuTemplate.NONE;
  private Path kernel;
  private Path initrd;
  private KernelCmdline cmdline = KernelCmdline.firecrackerDefault();
  private OutputStream serialOutput = OutputStream.nullOutputStream();
  private Fd serialInput;
  private BootTimer.Start bootTimerStart;
  private Consumer<String> log = message -> {};
  private boolean transparentHugePages;
  private boolean trackDirtyPages;
  private TokenBucketConfig serialLimit = TokenBucketConfig.DISABLED;
  private final List<BlockConfig> drives = new ArrayList<>();
  private final List<NetDevice> nets = new ArrayList<>();
  private RateLimiterConfig entropy;
  private VsockDevice vsock;
  private BalloonDevice balloon;
  private final List<PmemConfig> pmem = new ArrayList<>();
  private MemoryHotplugConfig memoryHotplug;
  private MmdsService mmds;

  /** A network interface: the device's config and the host TAP it is backed by. */
  public record NetDevice(NetConfig config, String hostDevName) {}

  /** The metadata service: its store, its address, and the interfaces that reach it. */
  public record MmdsService(Mmds store, int address, Set<String> interfaces) {
    public MmdsService {
      Objects.requireNonNull(store, "store");
      interfaces = Set.copyOf(interfaces);
    }
  }

  /** The vsock device: the guest's context id and the host's Unix socket path. */
  public record VsockDevice(long guestCid, Path udsPath) {}

  /**
   * The balloon device: its first target, deflate-on-OOM, its stats interval (0: none), and whether
   * it offers free page hinting and free page reporting.
   */
  public record BalloonDevice(
      long amountMib,
      boolean deflateOnOom,
      int statsIntervalS,
      boolean freePageHinting,
      boolean freePageReporting) {}

  public MicroVmBuilder(int vcpus, long memoryBytes) {
    if (vcpus < 1 || vcpus > Layout.MAX_VCPUS) {
      throw new IllegalArgumentException("vcpu_count: " + vcpus + " (expected: 1..32)");
    }
    if (memoryBytes < (1 << 20)) {
      throw new IllegalArgumentException("mem_size: " + memoryBytes + " (expected: >= 1 MiB)");
    }
    this.vcpus = vcpus;
    this.memoryBytes = memoryBytes;
  }

  public MicroVmBuilder smt(boolean on) {
    this.smt = on;
    return this;
  }

  /** A custom CPU template ({@code PUT /cpu-config}) for every vCPU. */
  public MicroVmBuilder cpuTemplate(CustomCpuTemplate template) {
    this.cpuTemplate = Objects.requireNonNull(template, "cpuTemplate");
    return this;
  }

  /**
   * A static CPU template ({@code machine-config.cpu_template}), used when no custom one is set;
   * the build fails on a host the template was not made for, as Firecracker's does.
   */
  public MicroVmBuilder staticCpuTemplate(CpuTemplate template) {
    this.staticCpuTemplate = Objects.requireNonNull(template, "staticCpuTemplate");
    return this;
  }

  public MicroVmBuilder kernel(Path path) {
    this.kernel = Objects.requireNonNull(path, "kernel");
    return this;
  }

  public MicroVmBuilder initrd(Path path) {
    this.initrd = path;
    return this;
  }

  /** The command line before the VMM appends its virtio_mmio.device= entries. */
  public MicroVmBuilder cmdline(KernelCmdline line) {
    this.cmdline = Objects.requireNonNull(line, "cmdline");
    return this;
  }

  /** Where COM1's output goes (the VMM's stdout, a /serial file or FIFO). */
  public MicroVmBuilder serialOutput(OutputStream out) {
    this.serialOutput = Objects.requireNonNull(out, "serialOutput");
    return this;
  }

  /** A byte budget for COM1's output; what exceeds it is dropped and counted (PUT /serial). */
  public MicroVmBuilder serialRateLimit(TokenBucketConfig bucket) {
    this.serialLimit = Objects.requireNonNull(bucket, "serialRateLimit");
    return this;
  }

  /** A readable descriptor (the VMM's stdin) whose bytes become COM1's input. */
  public MicroVmBuilder serialInput(Fd in) {
    this.serialInput = in;
    return this;
  }

  /** Attaches the boot-timer device, counting from {@code start} (InstanceStart). */
  public MicroVmBuilder bootTimer(BootTimer.Start start) {
    this.bootTimerStart = start;
    return this;
  }

  /** Backs guest RAM with transparent huge pages where the host can (huge_pages "Transparent"). */
  public MicroVmBuilder transparentHugePages(boolean on) {
    this.transparentHugePages = on;
    return this;
  }

  /**
   * Has KVM log the pages the guest writes, and the memory the pages the VMM writes, so that a diff
   * snapshot can save only those (machine-config's track_dirty_pages).
   */
  public MicroVmBuilder trackDirtyPages(boolean on) {
    this.trackDirtyPages = on;
    return this;
  }

  /** Where VMM messages go (boot time, device errors); Firecracker's logger. */
  public MicroVmBuilder log(Consumer<String> sink) {
    this.log = Objects.requireNonNull(sink, "log");
    return this;
  }

  /** Adds a virtio-blk drive; drives get their slots in the order added, before nets. */
  public MicroVmBuilder drive(BlockConfig config) {
    drives.add(Objects.requireNonNull(config, "drive"));
    return this;
  }

  /** Adds a virtio-net interface on TAP {@code hostDevName}. */
  public MicroVmBuilder net(NetConfig config, String hostDevName) {
    nets.add(new NetDevice(Objects.requireNonNull(config, "net"), hostDevName));
    return this;
  }

  /** Serves the metadata in {@code store} at {@code address} on the interfaces named. */
  public MicroVmBuilder mmds(Mmds store, int address, Set<String> interfaces) {
    this.mmds = new MmdsService(store, address, interfaces);
    return this;
  }

  /** Adds the virtio-vsock device, listening at {@code udsPath} once built. */
  public MicroVmBuilder vsock(long guestCid, Path udsPath) {
    this.vsock = new VsockDevice(guestCid, Objects.requireNonNull(udsPath, "udsPath"));
    return this;
  }

  /** Adds the virtio-balloon device; it comes first among the virtio devices, as in Firecracker. */
  public MicroVmBuilder balloon(long amountMib, boolean deflateOnOom, int statsIntervalS) {
    return balloon(new BalloonDevice(amountMib, deflateOnOom, statsIntervalS, false, false));
  }

  /**
   * Adds the virtio-mem device, last among the virtio devices as in Firecracker; its region goes
   * past the 64-bit MMIO hole ({@link Layout#hotplugStart}), all of it unplugged at boot. A region
   * that does not fit there fails the build, as in Firecracker.
   */
  public MicroVmBuilder memoryHotplug(MemoryHotplugConfig config) {
    this.memoryHotplug = Objects.requireNonNull(config, "config");
    return this;
  }

  /** Adds the virtio-balloon device, free page hinting and reporting included. */
  public MicroVmBuilder balloon(BalloonDevice device) {
    this.balloon = java.util.Objects.requireNonNull(device, "device");
    return this;
  }

  /**
   * Adds a virtio-pmem device; pmem devices come after the network interfaces, in the order added
   * (the guest names them /dev/pmem0, ...). Its root_device says nothing here: the command line
   * ({@link #cmdline}) carries {@code root=}.
   */
  public MicroVmBuilder pmem(PmemConfig config) {
    pmem.add(Objects.requireNonNull(config, "pmem"));
    return this;
  }

  /** Adds the virtio-rng device with an optional byte rate limit. */
  public MicroVmBuilder entropy(RateLimiterConfig limiter) {
    this.entropy = limiter == null ? RateLimiterConfig.UNLIMITED : limiter;
    return this;
  }

  public MicroVm build() {
    if (kernel == null) {
      throw new IllegalStateException("kernel_image_path: missing (expected: a kernel to boot)");
    }
    DeviceSet devices = new DeviceSet();
    KvmMachine machine =
        KvmMachine.create(
            new GuestRam.Anonymous(Layout.ramRegions(memoryBytes)),
            vcpus,
            trackDirtyPages,
            PhaseLog.start());
    EventLoop loop = new EventLoop(e -> log.accept("device error: " + e.getMessage()));
    try {
      if (transparentHugePages) {
        for (int i = 0; i < machine.memory().regions().size(); i++) {
          machine.memory().advise(i, MappedMemory.MADV_HUGEPAGE);
        }
      }
      devices.metrics.add(machine.vcpuCounters());
      DeviceWiring wiring = new DeviceWiring(machine, loop, devices, log);
      wiring.serial(serialOutput, serialLimit, serialInput);
      wiring.i8042();

      LoadedKernel loaded = loadKernel(machine);
      Initrd ramdisk = initrd == null ? null : loadInitrd(machine, loaded);
      if (bootTimerStart != null) {
        wiring.bootTimer(bootTimerStart);
      }
      MmioAllocator slots = new MmioAllocator(new GsiAllocator());
      List<DeviceSlot> virtioSlots = new ArrayList<>();
      if (balloon != null) {
        virtioSlots.add(slots.allocate());
        wiring.balloon(balloon, virtioSlots.getLast());
      }
      for (BlockConfig drive : drives) {
        virtioSlots.add(slots.allocate());
        wiring.block(drive, virtioSlots.getLast());
      }
      Counters mmdsCounters = new Counters("mmds");
      if (mmds != null) {
        devices.metrics.add(mmdsCounters);
      }
      // Initial sequence numbers a guest cannot predict from one connection to the next.
      SplittableRandom isn = new SplittableRandom(new SecureRandom().nextLong());
      for (NetDevice net : nets) {
        virtioSlots.add(slots.allocate());
        MmdsNetworkStack stack =
            mmds == null || !mmds.interfaces().contains(net.config().ifaceId())
                ? null
                : new MmdsNetworkStack(
                    mmds.address(), mmds.store(), mmdsCounters, System::nanoTime, isn::nextInt);
        wiring.net(net.config(), net.hostDevName(), virtioSlots.getLast(), stack);
      }
      // Firecracker's allocator places the virtio-mem region first, the pmem regions after it.
      long hotplugStart =
          memoryHotplug == null
              ? 0
              : Layout.hotplugStart(machine.memory().regions(), memoryHotplug.totalBytes());
      PmemWindow window =
          new PmemWindow(
              machine.memory().regions(),
              memoryHotplug == null ? 0 : hotplugStart + memoryHotplug.totalBytes());
      for (PmemConfig device : pmem) {
        virtioSlots.add(slots.allocate());
        wiring.pmem(device, virtioSlots.getLast(), size -> window.allocate(size, device.id()));
      }
      if (vsock != null) {
        virtioSlots.add(slots.allocate());
        wiring.vsock(vsock.guestCid(), vsock.udsPath(), virtioSlots.getLast());
      }
      if (entropy != null) {
        virtioSlots.add(slots.allocate());
        wiring.rng(entropy, virtioSlots.getLast());
      }
      if (memoryHotplug != null) {
        virtioSlots.add(slots.allocate());
        wiring.mem(memoryHotplug, hotplugStart, virtioSlots.getLast());
      }
      KernelCmdline line = cmdline;
      for (DeviceSlot slot : virtioSlots) {
        line = line.withVirtioMmio(slot);
      }
      BootPlan plan = BootPlan.of(loaded, line, vcpus, virtioSlots);
      if (ramdisk != null) {
        plan = plan.withInitrd(ramdisk);
      }
      BootCpuState entry = GuestBoot.configure(machine.memory(), plan);
      machine.configureCpus(
          smt,
          staticCpuTemplate == CpuTemplate.NONE || !cpuTemplate.equals(CustomCpuTemplate.EMPTY)
              ? cpuTemplate
              : StaticCpuTemplates.forHost(staticCpuTemplate, machine.supportedCpuid()));
      for (var vcpu : machine.vcpuFds()) {
        BootRegisters.apply(vcpu, entry);
      }
      return MicroVm.running(machine, loop, devices);
    } catch (RuntimeException e) {
      loop.stop();
      loop.close();
      MicroVm.closeAll(
          devices.resources); // the build already failed; its error is the one to report
      machine.close();
      throw e;
    }
  }

  private LoadedKernel loadKernel(KvmMachine machine) {
    try (FileChannel file = FileChannel.open(kernel, StandardOpenOption.READ)) {
      return KernelLoader.load(machine.memory(), ImageSource.of(file));
    } catch (IOException e) {
      throw new MachineException("kernel_image_path: " + kernel + ": " + e.getMessage(), e);
    }
  }

  private Initrd loadInitrd(KvmMachine machine, LoadedKernel loaded) {
    try (FileChannel file = FileChannel.open(initrd, StandardOpenOption.READ)) {
      return InitrdLoader.load(machine.memory(), ImageSource.of(file), loaded);
    } catch (IOException e) {
      throw new MachineException("initrd_path: " + initrd + ": " + e.getMessage(), e);
    }
  }
}
