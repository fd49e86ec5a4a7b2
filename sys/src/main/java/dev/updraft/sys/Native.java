package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Links libc functions for the sys packages and captures errno right after each call, before the
 * JVM can run code that overwrites it. Public only so that sub-packages of {@code dev.updraft.sys}
 * can use it; nothing outside sys may.
 */
public final class Native {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  // One capture buffer per thread: cheaper than an arena per call on hot paths such as KVM_RUN.
  private static final ThreadLocal<MemorySegment> STATE =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

  private Native() {}

  /**
   * A downcall whose first parameter is the errno capture segment (see {@link #errnoState()}). Pass
   * {@code firstVariadic >= 0} for variadic functions such as {@code ioctl} and {@code open}.
   */
  @SuppressWarnings("restricted") // linking libc is the purpose of this class
  public static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
  }

  /** Like {@link #errnoCall} for a variadic function whose variadic part starts at the index. */
  @SuppressWarnings("restricted")
  public static MethodHandle errnoCallVariadic(
      String name, FunctionDescriptor descriptor, int firstVariadicArg) {
    return LINKER.downcallHandle(
        symbol(name), descriptor, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(firstVariadicArg));
  }

  /** A downcall for a function that cannot fail (getpid, gettid, ...). */
  @SuppressWarnings("restricted")
  public static MethodHandle plainCall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(symbol(name), descriptor);
  }

  /** The address of a libc function, for use as a native callback pointer (signal handlers). */
  public static MemorySegment symbol(String name) {
    return LIBC.find(name)
        .orElseThrow(
            () ->
                new NativeLinkException("libc symbol not found: " + name + " (glibc 2.32+)", null));
  }

  /** This thread's errno capture buffer, passed as the first argument of an errno call. */
  public static MemorySegment errnoState() {
    return STATE.get();
  }

  /** The errno captured by the last errno call on this thread. */
  public static int lastErrno() {
    return (int) ERRNO.get(STATE.get(), 0L);
  }

  /** Throws {@link ErrnoException} for {@code call} if a libc call returned -1. */
  public static long check(String call, long result) {
    if (result == -1) {
      throw new ErrnoException(call, lastErrno());
    }
    return result;
  }

  /** Int flavour of {@link #check(String, long)}. */
  public static int check(String call, int result) {
    if (result == -1) {
      throw new ErrnoException(call, lastErrno());
    }
    return result;
  }

  /** Wraps what {@code MethodHandle.invokeExact} throws besides runtime errors. */
  public static RuntimeException linkFailure(String function, Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new NativeLinkException("downcall " + function + " failed: " + t, t);
  }
}
