package dev.updraft.vmm.vcpu;

import dev.updraft.sys.Host;
import dev.updraft.sys.Signals;
import dev.updraft.sys.SysException;
import dev.updraft.sys.kvm.VcpuExit;
import dev.updraft.sys.kvm.VcpuFd;
import dev.updraft.vmm.bus.Bus;
import dev.updraft.vmm.metrics.Counters;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * One vCPU on its own platform thread (a blocking KVM_RUN would pin a virtual thread's carrier).
 * Control requests (pause, resume, stop) come from other threads: they set the request under the
 * lock, then kick — immediate_exit covers a thread about to enter KVM_RUN, the signal one already
 * inside it.
 */
public final class Vcpu {
  private enum Request {
    RUN,
    PAUSE,
    STOP
  }

  private enum State {
    CREATED,
    RUNNING,
    PAUSED,
    STOPPED
  }

  // Said once per failure, not per exit: on kvm_pvm the emulator is the cause, not the guest.
  private static final java.util.function.Supplier<String> PVM_HINT =
      () ->
          Host.onKvmPvm()
              ? ". This host's KVM backend is kvm_pvm: guest code at CPL 0 runs in KVM's"
                  + " instruction emulator, which cannot execute some instructions (XRSTOR, INT3,"
                  + " CMPXCHG16B) that Linux uses early, so a Linux kernel cannot boot here; on"
                  + " hardware KVM (kvm_intel, kvm_amd) it can"
              : "";

  private final VcpuFd fd;
  private final Bus pio;
  private final Bus mmio;
  private final Counters counters;
  private final BiConsumer<Vcpu, VcpuStop> onStop;
  private final Runnable onThreadStart;
  private final Object lock = new Object();
  private Request request = Request.RUN;
  private State state = State.CREATED;
  private volatile int tid;
  private volatile long threadStartedNanos;
  private Thread thread;
  private LongConsumer onEnter = nanos -> {};
  // Set by awaitRunnable on the vCPU thread when it leaves CREATED or PAUSED; read there too.
  private boolean entering;

  /**
   * @param onStop called once on the vCPU thread when it ends, with the reason
   */
  public Vcpu(VcpuFd fd, Bus pio, Bus mmio, Counters counters, BiConsumer<Vcpu, VcpuStop> onStop) {
    this(fd, pio, mmio, counters, onStop, () -> {});
  }

  /**
   * @param onThreadStart runs first on the vCPU thread, before the guest (the vcpu seccomp filter)
   */
  public Vcpu(
      VcpuFd fd,
      Bus pio,
      Bus mmio,
      Counters counters,
      BiConsumer<Vcpu, VcpuStop> onStop,
      Runnable onThreadStart) {
    this.onThreadStart = Objects.requireNonNull(onThreadStart, "onThreadStart");
    this.fd = Objects.requireNonNull(fd, "fd");
    this.pio = pio;
    this.mmio = mmio;
    this.counters = counters;
    this.onStop = onStop;
  }

  public int id() {
    return fd.id();
  }

  /** Makes {@link #start} park the thread until {@link #resume} (a restored VM starts paused). */
  public void startPaused() {
    synchronized (lock) {
      request = Request.PAUSE;
    }
  }

  /**
   * Runs {@code listener} on the vCPU thread with {@link System#nanoTime()} just before each
   * KVM_RUN that follows a start or a resume: when the guest's next instruction is about to run.
   */
  public void onEnter(LongConsumer listener) {
    this.onEnter = Objects.requireNonNull(listener, "listener");
  }

  /** Starts the thread, which enters the guest at once. */
  public void start() {
    Signals.kickSignal();
    thread = Thread.ofPlatform().name("fc_vcpu " + id()).daemon().start(this::loop);
  }

  /** Asks the vCPU to leave the guest and waits until it has (or ended). */
  public void pause(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      if (state == State.STOPPED) {
        return;
      }
      request = Request.PAUSE;
      kick();
      while (state != State.PAUSED && state != State.STOPPED) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "vcpu " + id() + " did not pause within " + timeout.toMillis() + " ms");
        }
        lock.wait(Math.max(1, left / 1_000_000));
        if (state == State.RUNNING) {
          kick(); // it re-entered the guest before seeing the request: kick again
        }
      }
    }
  }

  public void resume() {
    synchronized (lock) {
      if (request == Request.PAUSE) {
        request = Request.RUN;
        lock.notifyAll();
      }
    }
  }

  /** Asks the vCPU to end; returns at once (see {@link #join}). */
  public void stop() {
    synchronized (lock) {
      request = Request.STOP;
      lock.notifyAll();
      kick();
    }
  }

  public void join(Duration timeout) throws InterruptedException {
    if (thread != null) {
      thread.join(timeout);
    }
  }

  public boolean isPaused() {
    synchronized (lock) {
      return state == State.PAUSED;
    }
  }

  // Called with the lock held.
  private void kick() {
    fd.setImmediateExit(true);
    int target = tid;
    if (target != 0 && state == State.RUNNING) {
      Signals.kick(target);
    }
  }

  /** When this vCPU's thread began to run ({@link System#nanoTime()}), or 0 before. */
  public long threadStartedNanos() {
    return threadStartedNanos;
  }

  private void loop() {
    threadStartedNanos = System.nanoTime();
    tid = Signals.currentThreadId();
    VcpuStop stop;
    try {
      onThreadStart.run();
      stop = runUntilStopped();
    } catch (RuntimeException e) { // a KVM call failed (SysException) or a device threw
      counters.increment("failures");
      stop = new VcpuStop.Failed("vcpu " + id() + ": " + e.getMessage());
    }
    synchronized (lock) {
      state = State.STOPPED;
      lock.notifyAll();
    }
    onStop.accept(this, stop);
  }

  private VcpuStop runUntilStopped() {
    boolean settled = true; // no exit's I/O waits for KVM to finish it
    while (true) {
      if (!awaitRunnable(settled)) {
        return new VcpuStop.Requested();
      }
      if (entering) {
        entering = false;
        onEnter.accept(System.nanoTime());
      }
      VcpuExit exit = fd.run();
      settled = exit instanceof VcpuExit.Interrupted;
      VcpuStop stop = handle(exit);
      if (stop != null) {
        return stop;
      }
    }
  }

  private boolean awaitRunnable(boolean settled) {
    synchronized (lock) {
      if (request == Request.PAUSE && !settled) {
        // KVM completes an exit (an IN's value into RAX, the instruction's end) only inside the
        // next KVM_RUN. Enter once more with immediate_exit set, which completes it and returns
        // at once, so that a paused vCPU's registers are whole for a snapshot.
        fd.setImmediateExit(true);
        return true;
      }
      while (request == Request.PAUSE) {
        if (state != State.PAUSED) {
          state = State.PAUSED;
          lock.notifyAll();
        }
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      if (request == Request.STOP) {
        return false;
      }
      boolean resumed = state == State.PAUSED;
      boolean entering = state != State.RUNNING;
      state = State.RUNNING;
      fd.setImmediateExit(false);
      if (resumed) {
        kvmclockCtrl();
      }
      this.entering = entering;
      return true;
    }
  }

  // Tells a guest with kvmclock that it was paused, so its watchdog does not report a lockup.
  private void kvmclockCtrl() {
    try {
      fd.kvmclockCtrl();
    } catch (SysException e) {
      // EINVAL when the guest has not enabled kvmclock (our test guests, early boot): harmless.
      counters.increment("kvmclock_ctrl_fails");
    }
  }

  /** One exit; null to keep running. */
  private VcpuStop handle(VcpuExit exit) {
    return switch (exit) {
      case VcpuExit.IoIn in -> {
        counters.increment("exit_io_in");
        byte[] data = new byte[in.size() * in.count()];
        byte[] item = new byte[in.size()];
        for (int i = 0; i < in.count(); i++) {
          Arrays.fill(item, (byte) 0xFF); // an empty ISA bus reads as all ones
          pio.read(in.port(), item);
          System.arraycopy(item, 0, data, i * in.size(), in.size());
        }
        fd.completeRead(data);
        yield null;
      }
      case VcpuExit.IoOut out -> {
        counters.increment("exit_io_out");
        byte[] data = out.data();
        if (out.count() == 1) {
          pio.write(out.port(), data);
        } else {
          for (int i = 0; i < out.count(); i++) {
            pio.write(out.port(), Arrays.copyOfRange(data, i * out.size(), (i + 1) * out.size()));
          }
        }
        yield null;
      }
      case VcpuExit.MmioRead read -> {
        counters.increment("exit_mmio_read");
        byte[] data = new byte[read.length()];
        mmio.read(read.address(), data);
        fd.completeRead(data);
        yield null;
      }
      case VcpuExit.MmioWrite write -> {
        counters.increment("exit_mmio_write");
        mmio.write(write.address(), write.data());
        yield null;
      }
      case VcpuExit.Interrupted i -> null;
      case VcpuExit.Hlt h -> new VcpuStop.GuestEnded("halted");
      case VcpuExit.Shutdown s -> new VcpuStop.GuestEnded("shutdown (triple fault)");
      case VcpuExit.SystemEvent e ->
          switch (e.type()) {
            case VcpuExit.SystemEvent.RESET -> new VcpuStop.GuestEnded("reset");
            case VcpuExit.SystemEvent.SHUTDOWN -> new VcpuStop.GuestEnded("power off");
            default -> new VcpuStop.Failed("guest crashed (KVM system event " + e.type() + ")");
          };
      case VcpuExit.FailEntry f ->
          new VcpuStop.Failed(
              "KVM could not enter the guest on vcpu "
                  + id()
                  + ": hardware reason 0x"
                  + Long.toHexString(f.reason()));
      case VcpuExit.InternalError e -> new VcpuStop.Failed(internalError(e));
      case VcpuExit.Unknown u ->
          new VcpuStop.Failed("unhandled KVM exit reason " + u.reason() + " on vcpu " + id());
    };
  }

  private String internalError(VcpuExit.InternalError e) {
    long rip;
    try {
      rip = fd.regs().rip();
    } catch (SysException ignored) {
      rip = -1;
    }
    String where = rip < 0 ? "" : " at rip 0x" + Long.toHexString(rip);
    if (e.suberror() == VcpuExit.InternalError.EMULATION) {
      return "KVM could not emulate a guest instruction"
          + where
          + " on vcpu "
          + id()
          + " (KVM_EXIT_INTERNAL_ERROR, emulation failure)"
          + PVM_HINT.get();
    }
    return "KVM internal error, suberror " + e.suberror() + where + " on vcpu " + id();
  }
}
