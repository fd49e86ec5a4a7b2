package dev.updraft.sys.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.updraft.sys.EventFd;
import dev.updraft.sys.Fd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A KVM virtual machine: memory slots, the in-kernel interrupt controllers, eventfd wiring. */
public final class VmFd implements AutoCloseable {
  public static final int MEM_LOG_DIRTY_PAGES = 1;
  public static final int MEM_READONLY = 2;
  public static final int IRQCHIP_PIC_MASTER = 0;
  public static final int IRQCHIP_PIC_SLAVE = 1;
  public static final int IRQCHIP_IOAPIC = 2;
  private static final int PIT_SPEAKER_DUMMY = 1;
  private static final int IOEVENTFD_DATAMATCH = 1;
  private static final int IOEVENTFD_PIO = 1 << 1;
  private static final int IOEVENTFD_DEASSIGN = 1 << 2;
  private static final int IRQFD_DEASSIGN = 1;

  private final Fd fd;
  private final int vcpuMmapSize;
  private int xsave2Size = -1;

  VmFd(Fd fd, int vcpuMmapSize) {
    this.fd = fd;
    this.vcpuMmapSize = vcpuMmapSize;
  }

  /** Where KVM keeps the three pages of the real-mode TSS Intel VMX needs (0xFFFBD000 here). */
  public void setTssAddress(long address) {
    fd.ioctl(KvmIoctls.SET_TSS_ADDR, address);
  }

  /** The in-kernel PIC pair, IOAPIC and per-vCPU LAPICs; must precede vCPU creation. */
  public void createIrqchip() {
    fd.ioctl(KvmIoctls.CREATE_IRQCHIP, 0);
  }

  /** The in-kernel i8254 PIT, with port 0x61's speaker emulated as a dummy (Firecracker does). */
  public void createPit2() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment config = arena.allocate(Structs.PIT_CONFIG_SIZE, 8);
      config.set(JAVA_INT, 0, PIT_SPEAKER_DUMMY);
      fd.ioctl(KvmIoctls.CREATE_PIT2, config);
    }
  }

  /**
   * Maps {@code size} bytes of host memory at {@code hostAddress} into guest physical memory at
   * {@code guestAddress}. The caller keeps the host mapping alive for as long as the VM exists.
   */
  public void setUserMemoryRegion(
      int slot, long guestAddress, long size, long hostAddress, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment region = arena.allocate(Structs.MEMORY_REGION_SIZE, 8);
      region.set(JAVA_INT, 0, slot);
      region.set(JAVA_INT, 4, flags);
      region.set(JAVA_LONG, 8, guestAddress);
      region.set(JAVA_LONG, 16, size);
      region.set(JAVA_LONG, 24, hostAddress);
      fd.ioctl(KvmIoctls.SET_USER_MEMORY_REGION, region);
    }
  }

  /** Creates vCPU {@code id} (its initial APIC id) and maps its {@code kvm_run} area. */
  public VcpuFd createVcpu(int id) {
    if (xsave2Size < 0) {
      // 0 without KVM_CAP_XSAVE2 (KVM_GET_XSAVE's 4 KiB then); more with dynamic features (AMX).
      xsave2Size = check(Capability.XSAVE2);
    }
    int vcpu = fd.ioctl(KvmIoctls.CREATE_VCPU, id);
    return new VcpuFd(Fd.adopt(vcpu, "kvm-vcpu" + id), id, vcpuMmapSize, xsave2Size);
  }

  /** Every write to {@code event} raises GSI {@code gsi} (an edge on the IOAPIC pin). */
  public void registerIrqfd(EventFd event, int gsi) {
    irqfd(event, gsi, 0);
  }

  public void unregisterIrqfd(EventFd event, int gsi) {
    irqfd(event, gsi, IRQFD_DEASSIGN);
  }

  private void irqfd(EventFd event, int gsi, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment irqfd = arena.allocate(Structs.IRQFD_SIZE, 8);
      irqfd.set(JAVA_INT, 0, event.fd().value());
      irqfd.set(JAVA_INT, 4, gsi);
      irqfd.set(JAVA_INT, 8, flags);
      fd.ioctl(KvmIoctls.IRQFD, irqfd);
    }
  }

  /**
   * A guest write of {@code length} bytes to MMIO {@code address} (equal to {@code datamatch}
   * unless it is negative) signals {@code event} inside KVM instead of exiting to user space.
   */
  public void registerIoeventfd(EventFd event, long address, int length, long datamatch) {
    ioeventfd(event, address, length, datamatch, 0);
  }

  /** The same for a port-I/O address. */
  public void registerPioEventfd(EventFd event, int port, int length, long datamatch) {
    ioeventfd(event, port, length, datamatch, IOEVENTFD_PIO);
  }

  public void unregisterIoeventfd(EventFd event, long address, int length, long datamatch) {
    ioeventfd(event, address, length, datamatch, IOEVENTFD_DEASSIGN);
  }

  private void ioeventfd(EventFd event, long address, int length, long datamatch, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment io = arena.allocate(Structs.IOEVENTFD_SIZE, 8);
      io.set(JAVA_LONG, 0, Math.max(datamatch, 0));
      io.set(JAVA_LONG, 8, address);
      io.set(JAVA_INT, 16, length);
      io.set(JAVA_INT, 20, event.fd().value());
      io.set(JAVA_INT, 24, flags | (datamatch >= 0 ? IOEVENTFD_DATAMATCH : 0));
      fd.ioctl(KvmIoctls.IOEVENTFD, io);
    }
  }

  /** Drives an interrupt line directly (slow path; devices use irqfd). */
  public void irqLine(int gsi, boolean high) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment level = arena.allocate(8, 4);
      level.set(JAVA_INT, 0, gsi);
      level.set(JAVA_INT, 4, high ? 1 : 0);
      fd.ioctl(KvmIoctls.IRQ_LINE, level);
    }
  }

  /** {@code KVM_CHECK_EXTENSION} on this VM (some answers, e.g. XSAVE2's size, are per VM). */
  public int check(Capability capability) {
    return fd.ioctl(KvmIoctls.CHECK_EXTENSION, capability.number());
  }

  /**
   * {@code KVM_GET_DIRTY_LOG}: one bit per page of memory slot {@code slot} ({@code pages} long)
   * that the guest wrote since the last call, which clears them. The slot must have been made with
   * {@link #MEM_LOG_DIRTY_PAGES}.
   */
  public long[] dirtyLog(int slot, long pages) {
    int words = (int) ((pages + 63) / 64);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bitmap = arena.allocate(Math.max(8, words * 8L), 8);
      MemorySegment log = arena.allocate(Structs.DIRTY_LOG_SIZE, 8);
      log.set(JAVA_INT, 0, slot);
      log.set(ValueLayout.ADDRESS, 8, bitmap);
      fd.ioctl(KvmIoctls.GET_DIRTY_LOG, log);
      return bitmap.asSlice(0, words * 8L).toArray(JAVA_LONG);
    }
  }

  /** {@code KVM_GET_IRQCHIP}: the whole {@code struct kvm_irqchip} of {@code chip} (520 bytes). */
  public byte[] irqchip(int chip) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.IRQCHIP_SIZE, 8);
      m.set(JAVA_INT, 0, chip);
      fd.ioctl(KvmIoctls.GET_IRQCHIP, m);
      return m.toArray(ValueLayout.JAVA_BYTE);
    }
  }

  /** {@code KVM_SET_IRQCHIP} with a struct {@link #irqchip} returned (its chip id inside). */
  public void setIrqchip(byte[] state) {
    Structs.set(fd, KvmIoctls.SET_IRQCHIP, state, Structs.IRQCHIP_SIZE, "kvm_irqchip");
  }

  /** {@code KVM_GET_PIT2}: the in-kernel PIT's channels and flags. */
  public byte[] pit2() {
    return Structs.get(fd, KvmIoctls.GET_PIT2, Structs.PIT_STATE2_SIZE);
  }

  public void setPit2(byte[] state) {
    Structs.set(fd, KvmIoctls.SET_PIT2, state, Structs.PIT_STATE2_SIZE, "kvm_pit_state2");
  }

  /** {@code KVM_GET_CLOCK}. */
  public ClockData clock() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.CLOCK_DATA_SIZE, 8);
      fd.ioctl(KvmIoctls.GET_CLOCK, m);
      return new ClockData(
          m.get(JAVA_LONG, 0),
          m.get(JAVA_INT, Structs.CLOCK_FLAGS),
          m.get(JAVA_LONG, Structs.CLOCK_REALTIME),
          m.get(JAVA_LONG, Structs.CLOCK_HOST_TSC));
    }
  }

  /** {@code KVM_SET_CLOCK}; with {@link ClockData#REALTIME} KVM adds the wall time since. */
  public void setClock(ClockData clock) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.CLOCK_DATA_SIZE, 8);
      m.set(JAVA_LONG, 0, clock.clock());
      m.set(JAVA_INT, Structs.CLOCK_FLAGS, clock.flags());
      m.set(JAVA_LONG, Structs.CLOCK_REALTIME, clock.realtime());
      m.set(JAVA_LONG, Structs.CLOCK_HOST_TSC, clock.hostTsc());
      fd.ioctl(KvmIoctls.SET_CLOCK, m);
    }
  }

  @Override
  public void close() {
    fd.close();
  }
}
