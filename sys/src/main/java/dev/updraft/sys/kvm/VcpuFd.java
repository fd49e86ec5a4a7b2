package dev.updraft.sys.kvm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.updraft.sys.Errno;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Fd;
import dev.updraft.sys.KvmException;
import dev.updraft.sys.MappedMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One virtual CPU. KVM wants its ioctls from one thread at a time (the one that runs it, in
 * practice); {@link #setImmediateExit} is the exception and may be called from any thread.
 */
public final class VcpuFd implements AutoCloseable {
  // struct kvm_run (linux/kvm.h): header, then the exit union at 32.
  private static final long RUN_IMMEDIATE_EXIT = 1;
  private static final long RUN_EXIT_REASON = 8;
  private static final long RUN_UNION = 32;
  private static final long MMIO_DATA = RUN_UNION + 8;
  private static final long MMIO_LENGTH = RUN_UNION + 16;
  private static final long MMIO_IS_WRITE = RUN_UNION + 20;
  private static final int EXIT_IO = 2;
  private static final int EXIT_HLT = 5;
  private static final int EXIT_MMIO = 6;
  private static final int EXIT_SHUTDOWN = 8;
  private static final int EXIT_FAIL_ENTRY = 9;
  private static final int EXIT_INTR = 10;
  private static final int EXIT_INTERNAL_ERROR = 17;
  private static final int EXIT_SYSTEM_EVENT = 24;
  private static final int IO_IN = 0;

  private static final int MAX_CPUID_ENTRIES = 256;

  private final Fd fd;
  private final int id;
  private final MappedMemory run;
  // KVM_CAP_XSAVE2's answer: 0 means the 4 KiB KVM_GET_XSAVE, more means KVM_GET_XSAVE2 of that.
  private final int xsave2Size;
  // Which read the last exit asked for, so completeRead knows where the answer goes.
  private long pendingReadOffset = -1;
  private int pendingReadLength;

  VcpuFd(Fd fd, int id, int mmapSize, int xsave2Size) {
    this.fd = fd;
    this.id = id;
    this.xsave2Size = xsave2Size;
    this.run =
        MappedMemory.map(
            fd,
            0,
            mmapSize,
            MappedMemory.PROT_READ | MappedMemory.PROT_WRITE,
            MappedMemory.MAP_SHARED);
  }

  public int id() {
    return id;
  }

  /**
   * {@code KVM_RUN}: runs the guest until it needs user space. Returns {@link VcpuExit.Interrupted}
   * when a signal or {@code immediate_exit} ended the call early.
   */
  public VcpuExit run() {
    try {
      fd.ioctl(KvmIoctls.RUN, 0);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.EINTR || e.errno() == Errno.EAGAIN) {
        return new VcpuExit.Interrupted();
      }
      throw e;
    }
    int reason = run.getInt(RUN_EXIT_REASON);
    return switch (reason) {
      case EXIT_IO -> ioExit();
      case EXIT_MMIO -> mmioExit();
      case EXIT_HLT -> new VcpuExit.Hlt();
      case EXIT_SHUTDOWN -> new VcpuExit.Shutdown();
      case EXIT_INTR -> new VcpuExit.Interrupted();
      case EXIT_SYSTEM_EVENT -> new VcpuExit.SystemEvent(run.getInt(RUN_UNION));
      case EXIT_FAIL_ENTRY ->
          new VcpuExit.FailEntry(run.getLong(RUN_UNION), run.getInt(RUN_UNION + 8));
      case EXIT_INTERNAL_ERROR -> internalError();
      default -> new VcpuExit.Unknown(reason);
    };
  }

  private VcpuExit ioExit() {
    int direction = Byte.toUnsignedInt(run.getByte(RUN_UNION));
    int size = Byte.toUnsignedInt(run.getByte(RUN_UNION + 1));
    int port = Short.toUnsignedInt(run.getShort(RUN_UNION + 2));
    int count = run.getInt(RUN_UNION + 4);
    long dataOffset = run.getLong(RUN_UNION + 8);
    int length = size * count;
    if (length <= 0 || dataOffset < 0 || dataOffset + length > run.size()) {
      throw new KvmException("KVM_EXIT_IO data: offset " + dataOffset + " length " + length);
    }
    if (direction == IO_IN) {
      pendingReadOffset = dataOffset;
      pendingReadLength = length;
      return new VcpuExit.IoIn(port, size, count);
    }
    byte[] data = new byte[length];
    run.read(dataOffset, data, 0, length);
    return new VcpuExit.IoOut(port, size, count, data);
  }

  private VcpuExit mmioExit() {
    long address = run.getLong(RUN_UNION);
    int length = Math.min(run.getInt(MMIO_LENGTH), 8);
    if (run.getByte(MMIO_IS_WRITE) != 0) {
      byte[] data = new byte[length];
      run.read(MMIO_DATA, data, 0, length);
      return new VcpuExit.MmioWrite(address, data);
    }
    pendingReadOffset = MMIO_DATA;
    pendingReadLength = length;
    return new VcpuExit.MmioRead(address, length);
  }

  private VcpuExit internalError() {
    int suberror = run.getInt(RUN_UNION);
    int count = Math.min(run.getInt(RUN_UNION + 4), 16);
    long[] data = new long[Math.max(count, 0)];
    for (int i = 0; i < data.length; i++) {
      data[i] = run.getLong(RUN_UNION + 8 + i * 8L);
    }
    return new VcpuExit.InternalError(suberror, data);
  }

  /** Answers the last {@link VcpuExit.IoIn} or {@link VcpuExit.MmioRead}. */
  public void completeRead(byte[] data) {
    if (pendingReadOffset < 0) {
      throw new IllegalStateException("completeRead: no read is pending on vcpu " + id);
    }
    run.write(pendingReadOffset, data, 0, Math.min(data.length, pendingReadLength));
    pendingReadOffset = -1;
  }

  /**
   * Sets {@code kvm_run.immediate_exit}: while it is 1, KVM_RUN returns EINTR at once. A kick sets
   * it, then signals the thread, so a vCPU about to enter the guest cannot miss the request.
   */
  public void setImmediateExit(boolean exit) {
    run.putByte(RUN_IMMEDIATE_EXIT, exit ? (byte) 1 : (byte) 0);
  }

  public Regs regs() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.REGS_SIZE, 8);
      fd.ioctl(KvmIoctls.GET_REGS, m);
      return Structs.readRegs(m);
    }
  }

  public void setRegs(Regs regs) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.REGS_SIZE, 8);
      Structs.writeRegs(m, regs);
      fd.ioctl(KvmIoctls.SET_REGS, m);
    }
  }

  public Sregs sregs() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.SREGS_SIZE, 8);
      fd.ioctl(KvmIoctls.GET_SREGS, m);
      return Structs.readSregs(m);
    }
  }

  public void setSregs(Sregs sregs) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.SREGS_SIZE, 8);
      Structs.writeSregs(m, sregs);
      fd.ioctl(KvmIoctls.SET_SREGS, m);
    }
  }

  /** Sets the x87 control word and MXCSR, everything else of the FPU state zero. */
  public void setFpu(int fcw, int mxcsr) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.FPU_SIZE, 8);
      m.set(JAVA_SHORT, Structs.FPU_FCW, (short) fcw);
      m.set(JAVA_INT, Structs.FPU_MXCSR, mxcsr);
      fd.ioctl(KvmIoctls.SET_FPU, m);
    }
  }

  /** {@code KVM_SET_CPUID2}: what CPUID returns inside this vCPU. */
  public void setCpuid(List<CpuidEntry> entries) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(8 + entries.size() * Structs.CPUID_ENTRY_SIZE, 8);
      m.set(JAVA_INT, 0, entries.size());
      for (int i = 0; i < entries.size(); i++) {
        Structs.writeCpuidEntry(m, 8 + i * Structs.CPUID_ENTRY_SIZE, entries.get(i));
      }
      fd.ioctl(KvmIoctls.SET_CPUID2, m);
    }
  }

  /** {@code KVM_SET_MSRS}; KVM stops at the first MSR it refuses, which this reports. */
  public void setMsrs(List<MsrEntry> msrs) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = msrBuffer(arena, msrs);
      int set = fd.ioctl(KvmIoctls.SET_MSRS, m);
      if (set != msrs.size()) {
        MsrEntry refused = msrs.get(set);
        throw new KvmException(
            "KVM_SET_MSRS refused MSR 0x"
                + Integer.toHexString(refused.index())
                + " = 0x"
                + Long.toHexString(refused.value()));
      }
    }
  }

  /** {@code KVM_GET_MSRS} for the given indices (values of MSRs KVM does not know are omitted). */
  public List<MsrEntry> msrs(List<Integer> indices) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = msrBuffer(arena, indices.stream().map(i -> new MsrEntry(i, 0)).toList());
      int read = fd.ioctl(KvmIoctls.GET_MSRS, m);
      return java.util.stream.IntStream.range(0, read)
          .mapToObj(
              i ->
                  new MsrEntry(
                      m.get(JAVA_INT, 8 + i * Structs.MSR_ENTRY_SIZE),
                      m.get(JAVA_LONG, 16 + i * Structs.MSR_ENTRY_SIZE)))
          .toList();
    }
  }

  private static MemorySegment msrBuffer(Arena arena, List<MsrEntry> msrs) {
    MemorySegment m = arena.allocate(8 + msrs.size() * Structs.MSR_ENTRY_SIZE, 8);
    m.set(JAVA_INT, 0, msrs.size());
    for (int i = 0; i < msrs.size(); i++) {
      long at = 8 + i * Structs.MSR_ENTRY_SIZE;
      m.set(JAVA_INT, at, msrs.get(i).index());
      m.set(JAVA_LONG, at + 8, msrs.get(i).value());
    }
    return m;
  }

  /** The 1 KiB register page of this vCPU's in-kernel local APIC. */
  public byte[] lapic() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.LAPIC_SIZE, 8);
      fd.ioctl(KvmIoctls.GET_LAPIC, m);
      return m.toArray(JAVA_BYTE);
    }
  }

  public void setLapic(byte[] registers) {
    if (registers.length != Structs.LAPIC_SIZE) {
      throw new IllegalArgumentException(
          "registers: " + registers.length + " bytes (expected: " + Structs.LAPIC_SIZE + ")");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(Structs.LAPIC_SIZE, 8);
      MemorySegment.copy(registers, 0, m, JAVA_BYTE, 0, registers.length);
      fd.ioctl(KvmIoctls.SET_LAPIC, m);
    }
  }

  /** {@code KVM_GET_MP_STATE}: 0 runnable, 1 uninitialized (AP waiting for INIT/SIPI), 3 halted. */
  public int mpState() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(4, 4);
      fd.ioctl(KvmIoctls.GET_MP_STATE, m);
      return m.get(JAVA_INT, 0);
    }
  }

  public void setMpState(int state) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(4, 4);
      m.set(JAVA_INT, 0, state);
      fd.ioctl(KvmIoctls.SET_MP_STATE, m);
    }
  }

  /** {@code KVM_GET_CPUID2}: what KVM_SET_CPUID2 gave this vCPU. */
  public List<CpuidEntry> cpuid() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(8 + MAX_CPUID_ENTRIES * Structs.CPUID_ENTRY_SIZE, 8);
      m.set(JAVA_INT, 0, MAX_CPUID_ENTRIES);
      fd.ioctl(KvmIoctls.GET_CPUID2, m);
      return Structs.readCpuid(m);
    }
  }

  /** {@code struct kvm_fpu}, whole (x87, SSE registers, MXCSR). */
  public byte[] fpu() {
    return Structs.get(fd, KvmIoctls.GET_FPU, Structs.FPU_SIZE);
  }

  public void setFpu(byte[] state) {
    Structs.set(fd, KvmIoctls.SET_FPU, state, Structs.FPU_SIZE, "kvm_fpu");
  }

  /** The XSAVE area (KVM_GET_XSAVE2 where the host has it): {@link #xsaveSize()} bytes. */
  public byte[] xsave() {
    return xsave2Size > 0
        ? Structs.get(fd, KvmIoctls.GET_XSAVE2, xsave2Size)
        : Structs.get(fd, KvmIoctls.GET_XSAVE, Structs.XSAVE_SIZE);
  }

  /** The size of {@link #xsave()}'s area on this host; a saved area must have it to be set. */
  public int xsaveSize() {
    return xsave2Size > 0 ? xsave2Size : (int) Structs.XSAVE_SIZE;
  }

  // KVM_SET_XSAVE reads as many bytes as KVM_GET_XSAVE2 wrote, so the sizes must agree.
  public void setXsave(byte[] state) {
    Structs.set(fd, KvmIoctls.SET_XSAVE, state, xsaveSize(), "kvm_xsave");
  }

  /** {@code struct kvm_xcrs}: XCR0 and friends. */
  public byte[] xcrs() {
    return Structs.get(fd, KvmIoctls.GET_XCRS, Structs.XCRS_SIZE);
  }

  public void setXcrs(byte[] state) {
    Structs.set(fd, KvmIoctls.SET_XCRS, state, Structs.XCRS_SIZE, "kvm_xcrs");
  }

  /** {@code struct kvm_debugregs}: DR0-3, DR6, DR7. */
  public byte[] debugRegs() {
    return Structs.get(fd, KvmIoctls.GET_DEBUGREGS, Structs.DEBUGREGS_SIZE);
  }

  public void setDebugRegs(byte[] state) {
    Structs.set(fd, KvmIoctls.SET_DEBUGREGS, state, Structs.DEBUGREGS_SIZE, "kvm_debugregs");
  }

  /** {@code struct kvm_vcpu_events}: pending exceptions, interrupts, NMIs, SIPI, shadow, SMM. */
  public byte[] vcpuEvents() {
    return Structs.get(fd, KvmIoctls.GET_VCPU_EVENTS, Structs.VCPU_EVENTS_SIZE);
  }

  public void setVcpuEvents(byte[] state) {
    Structs.set(fd, KvmIoctls.SET_VCPU_EVENTS, state, Structs.VCPU_EVENTS_SIZE, "kvm_vcpu_events");
  }

  /** {@code KVM_GET_TSC_KHZ}: the guest TSC's frequency. */
  public int tscKhz() {
    return fd.ioctl(KvmIoctls.GET_TSC_KHZ, 0);
  }

  /** {@code KVM_SET_TSC_KHZ}: scales the guest TSC (needs KVM_CAP_TSC_CONTROL). */
  public void setTscKhz(int khz) {
    fd.ioctl(KvmIoctls.SET_TSC_KHZ, khz);
  }

  /** Tells the guest's kvmclock that the VM was paused, so it does not report soft lockups. */
  public void kvmclockCtrl() {
    fd.ioctl(KvmIoctls.KVMCLOCK_CTRL, 0);
  }

  @Override
  public void close() {
    run.close();
    fd.close();
  }
}
