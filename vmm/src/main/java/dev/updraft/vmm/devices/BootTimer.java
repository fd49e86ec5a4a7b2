package dev.updraft.vmm.devices;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Firecracker's boot-timer pseudo device ({@code boot_timer.rs}, enabled by --boot-timer) at
 * 0xC0000000: the guest's init writes the byte 123 at offset 0 once userspace is up, and the device
 * logs how long that took since the VM build started, in wall and process CPU time. Everything else
 * a guest does with the window is ignored; reads return zero.
 */
public final class BootTimer implements BusDevice {
  /** The byte Firecracker's test init writes when the guest has booted. */
  public static final int MAGIC_BOOT_COMPLETE = 123;

  /**
   * When the VM build started (InstanceStart).
   *
   * @param wallNanos {@link System#nanoTime()} then
   * @param cpuNanos this process's CPU time then
   */
  public record Start(long wallNanos, long cpuNanos) {
    /** The current instant, to be taken when InstanceStart begins building the VM. */
    public static Start now() {
      return new Start(System.nanoTime(), processCpuNanos());
    }
  }

  private final Start start;
  private final LongSupplier wallNanos;
  private final LongSupplier cpuNanos;
  private final Consumer<String> log;

  /** A timer measuring from {@code start} on the system clocks, logging through {@code log}. */
  public BootTimer(Start start, Consumer<String> log) {
    this(start, System::nanoTime, BootTimer::processCpuNanos, log);
  }

  /** A timer reading the given clocks, for tests. */
  public BootTimer(
      Start start, LongSupplier wallNanos, LongSupplier cpuNanos, Consumer<String> log) {
    this.start = Objects.requireNonNull(start, "start");
    this.wallNanos = Objects.requireNonNull(wallNanos, "wallNanos");
    this.cpuNanos = Objects.requireNonNull(cpuNanos, "cpuNanos");
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void read(long offset, byte[] data) {
    Arrays.fill(data, (byte) 0);
  }

  @Override
  public void write(long offset, byte[] data) {
    if (offset != 0 || data.length != 1 || Byte.toUnsignedInt(data[0]) != MAGIC_BOOT_COMPLETE) {
      return;
    }
    long us = (wallNanos.getAsLong() - start.wallNanos()) / 1000;
    long cpuUs = (cpuNanos.getAsLong() - start.cpuNanos()) / 1000;
    String line =
        String.format(
            "Guest-boot-time = %6d us %d ms, %6d CPU us %d CPU ms",
            us, us / 1000, cpuUs, cpuUs / 1000);
    try {
      log.accept(line);
    } catch (RuntimeException e) {
      // A failing logger must not take the vCPU thread down with it; the line is lost.
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }
}
