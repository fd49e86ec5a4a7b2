package dev.updraft.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * seccomp-BPF: installs a compiled classic-BPF program on the calling thread or, with {@code
 * allThreads}, on every thread of the process (SECCOMP_FILTER_FLAG_TSYNC), and reports a trapped
 * system call before the process ends.
 */
public final class Seccomp {
  /** The exit code after a trapped system call, Firecracker's {@code BadSyscall}. */
  public static final int BAD_SYSCALL_EXIT = 148;

  private static final int PR_SET_NO_NEW_PRIVS = 38;
  private static final long SYS_SECCOMP = 317;
  private static final long SECCOMP_SET_MODE_FILTER = 1;
  private static final long SECCOMP_FILTER_FLAG_TSYNC = 1;
  private static final int SIGSYS = 31;
  private static final int SA_SIGINFO = 4;
  private static final long SIGACTION_SIZE = 152;
  private static final long SA_FLAGS_OFFSET = 136;
  // siginfo_t for SIGSYS on x86-64: si_call_addr at 16, si_syscall at 24.
  private static final long SI_SYSCALL_OFFSET = 24;
  // ucontext_t on x86-64: uc_mcontext.gregs at 40; REG_RDI is 8 and REG_RSI 9, the first two
  // arguments, which tell which ioctl or which socket call a filter refused.
  private static final long UC_RDI_OFFSET = 40 + 8 * 8;
  private static final long UC_RSI_OFFSET = 40 + 9 * 8;
  private static final int INSTRUCTION_SIZE = 8;

  private static final int LINE_MAX = 512;

  private static volatile IntFunction<String> reporter;
  // Allocated up front: the handler must not depend on malloc finding memory without a syscall.
  private static volatile MemorySegment lineBuffer;

  private Seccomp() {}

  /**
   * Installs {@code program} (classic BPF, 8 bytes per instruction, host order) after setting
   * no_new_privs, which an unprivileged filter needs.
   *
   * @param allThreads every thread of the process (which must all have the same filters so far)
   */
  public static void install(byte[] program, boolean allThreads) {
    Objects.requireNonNull(program, "program");
    if (program.length == 0 || program.length % INSTRUCTION_SIZE != 0) {
      throw new IllegalArgumentException(
          "program: " + program.length + " bytes (expected: a multiple of 8, at least 8)");
    }
    try (Arena arena = Arena.ofConfined()) {
      int noNewPrivs =
          (int)
              Libc.Confine.PRCTL.invokeExact(
                  Native.errnoState(), PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
      Native.check("prctl(PR_SET_NO_NEW_PRIVS)", noNewPrivs);
      MemorySegment instructions = arena.allocate(program.length, 8);
      MemorySegment.copy(program, 0, instructions, ValueLayout.JAVA_BYTE, 0, program.length);
      // struct sock_fprog: unsigned short len (padded to 8), struct sock_filter *filter.
      MemorySegment fprog = arena.allocate(16, 8);
      fprog.set(ValueLayout.JAVA_SHORT, 0, (short) (program.length / INSTRUCTION_SIZE));
      fprog.set(ValueLayout.ADDRESS, 8, instructions);
      long result =
          (long)
              Libc.Confine.SYSCALL3.invokeExact(
                  Native.errnoState(),
                  SYS_SECCOMP,
                  SECCOMP_SET_MODE_FILTER,
                  allThreads ? SECCOMP_FILTER_FLAG_TSYNC : 0L,
                  fprog.address());
      if (result > 0) {
        throw new ErrnoException("seccomp(TSYNC): thread " + result + " differs,", Errno.EINVAL);
      }
      Native.check("seccomp(SECCOMP_SET_MODE_FILTER)", result);
    } catch (Throwable t) {
      throw Native.linkFailure("seccomp", t);
    }
  }

  /**
   * Handles SIGSYS (a filter's trap action): writes the line {@code message} makes of the system
   * call's number to standard error and ends the process with {@link #BAD_SYSCALL_EXIT}. The
   * message function runs in the signal handler: it must not take locks.
   */
  @SuppressWarnings("restricted") // an upcall as a signal handler is this method's purpose
  public static synchronized void reportViolations(IntFunction<String> message) {
    boolean first = reporter == null;
    reporter = Objects.requireNonNull(message, "message");
    if (!first) {
      return;
    }
    try {
      MethodHandle target =
          MethodHandles.lookup()
              .findStatic(
                  Seccomp.class,
                  "onSigsys",
                  MethodType.methodType(
                      void.class, int.class, MemorySegment.class, MemorySegment.class));
      MemorySegment stub =
          Linker.nativeLinker()
              .upcallStub(
                  target, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
      // Link what the handler calls now: linking inside the handler would need system calls that
      // the filter may forbid.
      lineBuffer = Arena.global().allocate(LINE_MAX);
      Native.errnoState();
      MethodHandle unusedWrite = Libc.FileIo.WRITE;
      MethodHandle unusedExit = Libc.Confine.EXIT;
      Objects.requireNonNull(unusedWrite);
      Objects.requireNonNull(unusedExit);
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment action = arena.allocate(SIGACTION_SIZE, 8);
        action.set(ValueLayout.ADDRESS, 0, stub);
        action.set(ValueLayout.JAVA_INT, SA_FLAGS_OFFSET, SA_SIGINFO);
        int result =
            (int)
                Libc.Signal.SIGACTION.invokeExact(
                    Native.errnoState(), SIGSYS, action, MemorySegment.NULL);
        Native.check("sigaction(SIGSYS)", result);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("SIGSYS handler: " + e, e);
    } catch (Throwable t) {
      throw Native.linkFailure("sigaction", t);
    }
  }

  // Runs as the SIGSYS handler: report and end, never return into the trapped call.
  @SuppressWarnings({"unused", "restricted"}) // called through the upcall stub; reads siginfo
  private static void onSigsys(int signal, MemorySegment info, MemorySegment context) {
    int syscall = -1;
    try {
      // SAFETY: the kernel passes a siginfo_t (128 bytes) to an SA_SIGINFO handler.
      syscall = info.reinterpret(128).get(ValueLayout.JAVA_INT, SI_SYSCALL_OFFSET);
      String arguments = "";
      if (!context.equals(MemorySegment.NULL)) {
        // SAFETY: the third argument of an SA_SIGINFO handler is the interrupted ucontext_t.
        MemorySegment uc = context.reinterpret(UC_RSI_OFFSET + 8);
        arguments =
            " [arguments 0x"
                + Long.toHexString(uc.get(ValueLayout.JAVA_LONG, UC_RDI_OFFSET))
                + ", 0x"
                + Long.toHexString(uc.get(ValueLayout.JAVA_LONG, UC_RSI_OFFSET))
                + "]";
      }
      byte[] line = (reporter.apply(syscall) + arguments + "\n").getBytes(StandardCharsets.UTF_8);
      int length = Math.min(line.length, LINE_MAX);
      MemorySegment buffer = lineBuffer;
      MemorySegment.copy(line, 0, buffer, ValueLayout.JAVA_BYTE, 0, length);
      long _ = (long) Libc.FileIo.WRITE.invokeExact(Native.errnoState(), 2, buffer, (long) length);
    } catch (Throwable t) {
      // Nothing more can be reported from a signal handler; the exit code still says why.
    }
    try {
      Libc.Confine.EXIT.invokeExact(BAD_SYSCALL_EXIT);
    } catch (Throwable t) {
      Runtime.getRuntime().halt(BAD_SYSCALL_EXIT);
    }
  }
}
