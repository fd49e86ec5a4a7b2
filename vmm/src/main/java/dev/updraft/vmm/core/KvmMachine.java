package dev.updraft.vmm.core;

import dev.updraft.sys.EventFd;
import dev.updraft.sys.Host;
import dev.updraft.sys.KvmException;
import dev.updraft.sys.MappedMemory;
import dev.updraft.sys.kvm.Capability;
import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.Kvm;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.sys.kvm.VcpuFd;
import dev.updraft.sys.kvm.VmFd;
import dev.updraft.vmm.bus.Bus;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.cpu.BootMsrs;
import dev.updraft.vmm.cpu.CpuTemplateException;
import dev.updraft.vmm.cpu.CpuTemplates;
import dev.updraft.vmm.cpu.CpuidNormalizer;
import dev.updraft.vmm.cpu.LapicLints;
import dev.updraft.vmm.devices.InterruptTrigger;
import dev.updraft.vmm.memory.MappedGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.snapshot.KvmVmState;
import dev.updraft.vmm.snapshot.VcpuState;
import dev.updraft.vmm.vcpu.Vcpu;
import dev.updraft.vmm.vcpu.VcpuStop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A KVM virtual machine with its memory, in-kernel interrupt controllers, vCPUs and buses, built in
 * Firecracker's order (builder.rs) but for memory, which comes after the PIT, as the VM with its
 * TSS, irqchip and PIT may be a spare made ahead ({@link SpareVms}): VM, TSS, irqchip, PIT, memory,
 * vCPUs, memory slots. It knows nothing of kernels or devices: the microVM builder puts those on
 * the buses and sets the vCPUs' entry state.
 */
public final class KvmMachine implements AutoCloseable {
  /** Firecracker's KVM TSS address: three pages just below the BIOS area, inside the MMIO hole. */
  public static final long TSS_ADDRESS = 0xFFFB_D000L;

  private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(5);

  private final Kvm kvm;
  private final VmFd vm;
  private final MappedGuestMemory memory;
  private HotplugMemory hotplug;
  private final List<VcpuFd> vcpuFds = new ArrayList<>();
  private final List<Vcpu> vcpus = new ArrayList<>();
  private final List<EventFd> eventFds = new ArrayList<>();
  private final Bus pio = new Bus("pio");
  private final Bus mmio = new Bus("mmio");
  private final Counters vcpuCounters = new Counters("vcpu");
  private final CompletableFuture<VcpuStop> stopped = new CompletableFuture<>();
  private final CompletableFuture<Long> firstEntry = new CompletableFuture<>();
  private final List<CpuidEntry> supportedCpuid;
  private final boolean trackDirtyPages;
  private List<Integer> saveableMsrs;
  private int deviceSlots;

  private KvmMachine(
      Kvm kvm, VmFd vm, MappedGuestMemory memory, List<CpuidEntry> cpuid, boolean trackDirtyPages) {
    this.kvm = kvm;
    this.vm = vm;
    this.memory = memory;
    this.supportedCpuid = cpuid;
    this.trackDirtyPages = trackDirtyPages;
  }

  /**
   * Opens KVM, checks the capabilities a microVM needs, maps the guest RAM regions and creates the
   * VM with its interrupt controllers and {@code vcpuCount} vCPUs.
   */
  public static KvmMachine create(List<MemoryRegion> ram, int vcpuCount) {
    return create(new GuestRam.Anonymous(ram), vcpuCount, false, PhaseLog.start());
  }

  /**
   * The same on {@code ram} (anonymous, or a snapshot's file); with {@code trackDirtyPages} KVM
   * logs the pages the guest writes and the memory the pages the VMM writes, for diff snapshots.
   * Marks spare_vm, memory, vcpus and memory_slots in {@code phases}. A spare VM made ahead for
   * this shape ({@link SpareVms}) brings its vCPUs and memory slots: only the mapping is left.
   */
  static KvmMachine create(GuestRam ram, int vcpuCount, boolean trackDirtyPages, PhaseLog phases) {
    if (!Host.kvmAvailable()) {
      throw new MachineException(
          "/dev/kvm: not available (expected: the kvm module loaded and /dev/kvm read-write for"
              + " this user)");
    }
    MachineShape shape = new MachineShape(ram.regions(), vcpuCount, trackDirtyPages);
    PreparedVm prepared = SpareVms.take(shape);
    phases.mark("spare_vm");
    if (prepared.shape() != null && !prepared.fits(shape)) {
      SpareVms.discard(prepared);
      prepared = PreparedVm.create(null);
      phases.mark("vm_for_this_shape");
    }
    boolean fitted = prepared.shape() != null;
    MappedGuestMemory memory;
    try {
      memory = fitted ? ram.onto(prepared.memory()) : ram.map();
      phases.mark("memory");
    } catch (RuntimeException e) {
      prepared.close();
      throw e;
    }
    KvmMachine machine =
        new KvmMachine(prepared.kvm(), prepared.vm(), memory, prepared.cpuid(), trackDirtyPages);
    machine.vcpuFds.addAll(prepared.vcpus());
    try {
      if (!fitted) {
        machine.build(vcpuCount, phases);
      }
      if (trackDirtyPages) {
        memory.trackWrites();
      }
      return machine;
    } catch (RuntimeException e) {
      machine.close();
      throw e;
    }
  }

  private void build(int vcpuCount, PhaseLog phases) {
    for (int i = 0; i < vcpuCount; i++) {
      vcpuFds.add(vm.createVcpu(i));
    }
    phases.mark("vcpus");
    PreparedVm.setMemorySlots(vm, memory, trackDirtyPages);
    phases.mark("memory_slots");
  }

  /**
   * Puts {@code size} bytes of this process's memory at {@code hostAddress} into guest physical
   * memory at {@code guestAddress}, in a KVM memory slot after the RAM's (a virtio-pmem region).
   * Read-only slots turn the guest's stores into MMIO exits, which no device claims: they are
   * dropped, as in Firecracker. The slot lives as long as the VM; the caller keeps the mapping.
   *
   * @throws MachineException for a read-only slot on a host without KVM_CAP_READONLY_MEM
   */
  public void mapDeviceMemory(long guestAddress, long size, long hostAddress, boolean readOnly) {
    if (readOnly && vm.check(Capability.READONLY_MEM) <= 0) {
      throw new MachineException(
          "read_only: true (expected: false on this host, whose KVM lacks KVM_CAP_READONLY_MEM)");
    }
    int slot = memory.regions().size() + deviceSlots;
    vm.setUserMemoryRegion(slot, guestAddress, size, hostAddress, readOnly ? VmFd.MEM_READONLY : 0);
    deviceSlots++;
  }

  public boolean tracksDirtyPages() {
    return trackDirtyPages;
  }

  /**
   * The pages of memory region {@code slot} written since the last call (a bitmap of 64-bit words):
   * by the guest, from KVM's dirty log, and by the VMM; or, without dirty tracking, the pages
   * present in memory (mincore), a superset. Clears what it reports.
   */
  public long[] dirtyPages(int slot) {
    long pages = memory.regions().get(slot).size() / MappedMemory.PAGE_SIZE;
    if (!trackDirtyPages) {
      boolean[] resident = memory.resident(slot);
      long[] words = new long[(int) ((pages + 63) / 64)];
      for (int page = 0; page < resident.length; page++) {
        if (resident[page]) {
          words[page >>> 6] |= 1L << (page & 63);
        }
      }
      return words;
    }
    long[] guest = vm.dirtyLog(slot, pages);
    long[] vmm = memory.takeWritten(slot);
    for (int i = 0; i < guest.length; i++) {
      guest[i] |= vmm[i];
    }
    return guest;
  }

  /** Forgets the dirty pages logged so far (after a full snapshot). */
  public void clearDirtyPages() {
    if (trackDirtyPages) {
      for (int slot = 0; slot < memory.regions().size(); slot++) {
        dirtyPages(slot);
      }
    }
  }

  /** Every vCPU's state; the vCPUs must be paused. */
  public List<VcpuState> saveVcpus() {
    if (saveableMsrs == null) {
      saveableMsrs = KvmStates.saveableMsrs(kvm, vcpuFds.get(0));
    }
    return vcpuFds.stream().map(fd -> KvmStates.save(fd, saveableMsrs)).toList();
  }

  /** The PIT, kvmclock and interrupt controllers; the vCPUs must be paused. */
  public KvmVmState saveVm() {
    return KvmStates.save(vm);
  }

  /** Puts the vCPUs, before they first run, into saved states (one per vCPU, in order). */
  public void restoreVcpus(List<VcpuState> states, Consumer<String> log) {
    for (int i = 0; i < vcpuFds.size(); i++) {
      try {
        KvmStates.restore(vm, vcpuFds.get(i), states.get(i), log);
      } catch (KvmException e) {
        throw KvmStates.refused(i, e);
      }
    }
  }

  /** Restores the VM-wide state; after the vCPUs', as in Firecracker. */
  public void restoreVm(KvmVmState state, boolean clockRealtime) {
    KvmStates.restore(vm, state, clockRealtime);
  }

  /** Whether every vCPU is out of KVM_RUN and parked (PATCH /vm Paused took effect). */
  public boolean isPaused() {
    return !vcpus.isEmpty() && vcpus.stream().allMatch(Vcpu::isPaused);
  }

  /** Completes with System.nanoTime() when vCPU 0 next enters the guest after {@link #start}. */
  public CompletionStage<Long> firstEntry() {
    return firstEntry;
  }

  /** When vCPU 0's thread began to run ({@link System#nanoTime()}), or 0 before. */
  public long vcpuThreadStarted() {
    return vcpus.isEmpty() ? 0 : vcpus.getFirst().threadStartedNanos();
  }

  public MappedGuestMemory memory() {
    return memory;
  }

  /**
   * Maps the virtio-mem region at {@code guestAddress}, its KVM slots after the RAM's; the machine
   * unmaps it when it frees its memory.
   */
  HotplugMemory hotplugMemory(long guestAddress, long size, long slotSize) {
    if (hotplug != null) {
      throw new IllegalStateException("the machine already has a hot-pluggable region");
    }
    hotplug = HotplugMemory.map(vm, guestAddress, size, slotSize, memory.regions().size());
    return hotplug;
  }

  public Bus pio() {
    return pio;
  }

  public Bus mmio() {
    return mmio;
  }

  public int vcpuCount() {
    return vcpuFds.size();
  }

  /** The vCPU descriptors, for the boot code to set registers before {@link #start}. */
  public List<VcpuFd> vcpuFds() {
    return List.copyOf(vcpuFds);
  }

  public Counters vcpuCounters() {
    return vcpuCounters;
  }

  /** The CPUID KVM supports on this host, before any template or normalisation. */
  public List<CpuidEntry> supportedCpuid() {
    return supportedCpuid;
  }

  /**
   * Gives each vCPU its CPUID (normalised per vCPU, set before any CPUID-dependent MSR), the boot
   * MSRs and the LAPIC LINT wiring.
   */
  public void configureCpus(boolean smt) {
    configureCpus(smt, CustomCpuTemplate.EMPTY);
  }

  /**
   * The same with a custom CPU template, applied as Firecracker applies it: to the supported CPUID
   * before normalisation, and its MSRs after the boot MSRs, from vCPU 0's values.
   *
   * @throws CpuTemplateException if this host lacks a capability, CPUID leaf or MSR it names
   */
  public void configureCpus(boolean smt, CustomCpuTemplate template) {
    for (CustomCpuTemplate.KvmCapability cap : template.kvmCapabilities()) {
      if (!cap.remove() && kvm.check(cap.number()) <= 0) {
        throw new CpuTemplateException(
            "cpu-config: kvm_capabilities: KVM capability "
                + cap.number()
                + " is not supported by this host (expected: one KVM_CHECK_EXTENSION confirms)");
      }
    }
    List<CpuidEntry> cpuid = CpuTemplates.applyToCpuid(supportedCpuid, template);
    List<MsrEntry> templateMsrs = CpuTemplates.msrs(template, vcpuFds.get(0)::msrs);
    CpuidNormalizer normalizer = new CpuidNormalizer(vcpuFds.size(), smt);
    for (VcpuFd vcpu : vcpuFds) {
      vcpu.setCpuid(normalizer.normalize(cpuid, vcpu.id()));
      vcpu.setMsrs(BootMsrs.entries());
      if (!templateMsrs.isEmpty()) {
        vcpu.setMsrs(templateMsrs);
      }
      vcpu.setLapic(LapicLints.apply(vcpu.lapic()));
    }
  }

  /** An interrupt line: an irqfd bound to {@code gsi}; triggering it pulses the IOAPIC pin. */
  public InterruptTrigger interrupt(int gsi) {
    EventFd event = EventFd.create(0, EventFd.EFD_NONBLOCK);
    eventFds.add(event);
    vm.registerIrqfd(event, gsi);
    return () -> event.write(1);
  }

  /**
   * An eventfd KVM signals when the guest writes {@code datamatch} ({@code length} bytes) to MMIO
   * {@code address}, without a vCPU exit. The caller watches it on the event loop.
   */
  public EventFd mmioDoorbell(long address, int length, long datamatch) {
    EventFd event = EventFd.create(0, EventFd.EFD_NONBLOCK);
    eventFds.add(event);
    vm.registerIoeventfd(event, address, length, datamatch);
    return event;
  }

  /** Starts one thread per vCPU; {@link #stopped()} tells when and why the machine ended. */
  public void start() {
    start(false, () -> {});
  }

  /**
   * Starts the vCPU threads, each running {@code onVcpuThread} first (its seccomp filter), and
   * paused if {@code paused} (a restored VM waits for PATCH /vm Resumed, or the load's resume_vm).
   */
  public void start(boolean paused, Runnable onVcpuThread) {
    for (VcpuFd fd : vcpuFds) {
      Vcpu vcpu = new Vcpu(fd, pio, mmio, vcpuCounters, (v, why) -> vcpuStopped(why), onVcpuThread);
      if (paused) {
        vcpu.startPaused();
      }
      if (fd.id() == 0) {
        vcpu.onEnter(firstEntry::complete);
      }
      vcpus.add(vcpu);
    }
    for (Vcpu vcpu : vcpus) {
      vcpu.start();
    }
  }

  // The first vCPU to end decides why the machine ended; the others are told to stop.
  private void vcpuStopped(VcpuStop why) {
    if (stopped.complete(why)) {
      for (Vcpu v : vcpus) {
        v.stop();
      }
    }
  }

  /** Completes with the reason once the first vCPU ended. */
  public CompletionStage<VcpuStop> stopped() {
    return stopped;
  }

  /** Stops every vCPU as a guest-requested end (i8042 reset): callable from a vCPU thread. */
  public void guestEnded(String how) {
    vcpuStopped(new VcpuStop.GuestEnded(how));
  }

  public void pause() throws InterruptedException {
    for (Vcpu vcpu : vcpus) {
      vcpu.pause(PAUSE_TIMEOUT);
    }
  }

  public void resume() {
    for (Vcpu vcpu : vcpus) {
      vcpu.resume();
    }
  }

  /** Stops the vCPUs (if running) and waits for their threads. */
  public void stop() throws InterruptedException {
    vcpuStopped(new VcpuStop.Requested());
    for (Vcpu vcpu : vcpus) {
      vcpu.join(PAUSE_TIMEOUT);
    }
  }

  @Override
  public void close() {
    close(PhaseLog.start());
  }

  /**
   * Stops the vCPUs and frees the machine: its descriptors and guest memory, here or, when a {@link
   * KvmReaper} runs, on its thread (KVM's teardown of a VM waits for kernel grace periods). Marks
   * vcpus_joined, then handed_to_reaper or vcpu_fds, vm_fd and guest_memory.
   */
  public void close(PhaseLog phases) {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    phases.mark("vcpus_joined");
    if (KvmReaper.handOver(() -> free(PhaseLog.start()))) {
      phases.mark("handed_to_reaper");
    } else {
      free(phases);
    }
  }

  // Once the vCPU threads have ended: nothing runs the guest or uses its memory any more.
  private void free(PhaseLog phases) {
    for (VcpuFd fd : vcpuFds) {
      fd.close();
    }
    for (EventFd e : eventFds) {
      e.close();
    }
    phases.mark("vcpu_fds");
    vm.close();
    phases.mark("vm_fd");
    memory.close();
    if (hotplug != null) {
      hotplug.close();
    }
    kvm.close();
    phases.mark("guest_memory");
  }
}
