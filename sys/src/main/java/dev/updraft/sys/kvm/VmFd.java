package dev.updraft.sys.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.updraft.sys.EventFd;
import dev.updraft.sys.Fd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A KVM virtual machine: memory slots, the in-kernel interrupt controllers, eventfd wiring. */
public final class VmFd implements AutoCloseable {
  public static final int MEM_LOG_DIRTY_PAGES = 1;
  public static final int MEM_READONLY = 2;
  private static final int PIT_SPEAKER_DUMMY = 1;
  private static final int IOEVENTFD_DATAMATCH = 1;
  private static final int IOEVENTFD_PIO = 1 << 1;
  private static final int IOEVENTFD_DEASSIGN = 1 << 2;
  private static final int IRQFD_DEASSIGN = 1;

  private final Fd fd;
  private final int vcpuMmapSize;

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
    int vcpu = fd.ioctl(KvmIoctls.CREATE_VCPU, id);
    return new VcpuFd(Fd.adopt(vcpu, "kvm-vcpu" + id), id, vcpuMmapSize);
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

  @Override
  public void close() {
    fd.close();
  }
}
