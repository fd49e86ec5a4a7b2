package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Kicks a thread out of a blocking system call (KVM_RUN, read, epoll_wait) so that it returns
 * EINTR. A real-time signal gets a handler that does nothing harmful and no SA_RESTART; sending it
 * to one thread with {@code tgkill} interrupts that thread's call and nothing else.
 */
public final class Signals {
  // glibc's struct sigaction on x86-64: handler (8), sa_mask (128), sa_flags (4 + 4 pad), restorer.
  private static final long SIGACTION_SIZE = 152;
  private static final long SA_FLAGS_OFFSET = 136;
  // SIGRTMIN+0 and +1 are sometimes taken by other libraries; +4 is free in glibc and the JVM.
  private static final int KICK_OFFSET = 4;

  private static volatile int kickSignal;

  private Signals() {}

  /**
   * The signal used for kicks, installing its handler on first use. The handler is libc's {@code
   * sched_yield}: async-signal-safe, ignores its argument, and returns, which is all the kick
   * needs.
   */
  public static int kickSignal() {
    int signal = kickSignal;
    if (signal != 0) {
      return signal;
    }
    synchronized (Signals.class) {
      if (kickSignal == 0) {
        kickSignal = install(rtMin() + KICK_OFFSET);
      }
      return kickSignal;
    }
  }

  /** Sends the kick signal to thread {@code tid} of this process. */
  public static void kick(int tid) {
    int signal = kickSignal();
    try {
      int result =
          (int) Libc.Signal.TGKILL.invokeExact(Native.errnoState(), processId(), tid, signal);
      Native.check("tgkill(" + tid + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("tgkill", t);
    }
  }

  /** The kernel thread id of the calling (platform) thread. */
  public static int currentThreadId() {
    try {
      return (int) Libc.Process.GETTID.invokeExact();
    } catch (Throwable t) {
      throw Native.linkFailure("gettid", t);
    }
  }

  public static int processId() {
    try {
      return (int) Libc.Process.GETPID.invokeExact();
    } catch (Throwable t) {
      throw Native.linkFailure("getpid", t);
    }
  }

  private static int rtMin() {
    try {
      return (int) Libc.Signal.SIGRTMIN.invokeExact();
    } catch (Throwable t) {
      throw Native.linkFailure("__libc_current_sigrtmin", t);
    }
  }

  private static int install(int signal) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment action = arena.allocate(SIGACTION_SIZE, 8);
      action.set(ValueLayout.ADDRESS, 0, Native.symbol("sched_yield"));
      // sa_mask stays empty and sa_flags 0: above all no SA_RESTART, so blocked calls end in EINTR.
      action.set(ValueLayout.JAVA_INT, SA_FLAGS_OFFSET, 0);
      int result =
          (int)
              Libc.Signal.SIGACTION.invokeExact(
                  Native.errnoState(), signal, action, MemorySegment.NULL);
      Native.check("sigaction(SIGRTMIN+" + KICK_OFFSET + ")", result);
      return signal;
    } catch (Throwable t) {
      throw Native.linkFailure("sigaction", t);
    }
  }
}
