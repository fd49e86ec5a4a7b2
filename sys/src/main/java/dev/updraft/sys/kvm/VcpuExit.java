package dev.updraft.sys.kvm;

/**
 * Why {@link VcpuFd#run()} returned. Reads ({@link IoIn}, {@link MmioRead}) must be answered with
 * {@link VcpuFd#completeRead(byte[])} before the next run, so the guest's load sees the value.
 */
public sealed interface VcpuExit {
  /**
   * {@code IN} from {@code port}: {@code count} items of {@code size} bytes (count > 1: rep ins).
   */
  record IoIn(int port, int size, int count) implements VcpuExit {}

  /** {@code OUT} to {@code port}: {@code data} holds {@code count} items of {@code size} bytes. */
  record IoOut(int port, int size, int count, byte[] data) implements VcpuExit {}

  /** A load of {@code length} bytes from an address no memory slot backs. */
  record MmioRead(long address, int length) implements VcpuExit {}

  /** A store to an address no memory slot backs. */
  record MmioWrite(long address, byte[] data) implements VcpuExit {}

  /** The guest executed HLT and KVM did not handle it (no in-kernel LAPIC). */
  record Hlt() implements VcpuExit {}

  /** A triple fault or similar: the guest can no longer run. */
  record Shutdown() implements VcpuExit {}

  /** A PSCI-like request: {@link #SHUTDOWN}, {@link #RESET} or {@link #CRASH}. */
  record SystemEvent(int type) implements VcpuExit {
    public static final int SHUTDOWN = 1;
    public static final int RESET = 2;
    public static final int CRASH = 3;
  }

  /** The hardware refused to enter the guest; {@code reason} is the VMX/SVM failure code. */
  record FailEntry(long reason, int cpu) implements VcpuExit {}

  /** KVM could not handle something, e.g. an instruction its emulator does not know. */
  record InternalError(int suberror, long[] data) implements VcpuExit {
    public static final int EMULATION = 1;
  }

  /** KVM_RUN returned early because of a signal (a kick) or immediate_exit. */
  record Interrupted() implements VcpuExit {}

  /** An exit reason updraft does not handle. */
  record Unknown(int reason) implements VcpuExit {}
}
