package dev.updraft.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** errno numbers that updraft handles specially, and their names from glibc. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENOTTY = 25;
  public static final int ENOSPC = 28;
  public static final int ENOSYS = 38;
  public static final int ENOPROTOOPT = 92;
  public static final int EOPNOTSUPP = 95;

  private static final MethodHandle STRERRORNAME_NP =
      Native.plainCall(
          "strerrorname_np", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle STRERRORDESC_NP =
      Native.plainCall(
          "strerrordesc_np", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

  private Errno() {}

  /** The symbolic name, e.g. {@code EINVAL}; {@code errno N} for numbers glibc does not know. */
  public static String name(int errno) {
    String name = cString(STRERRORNAME_NP, errno);
    return name == null ? "errno " + errno : name;
  }

  /** The human description, e.g. {@code Invalid argument}. */
  public static String describe(int errno) {
    String text = cString(STRERRORDESC_NP, errno);
    return text == null ? "Unknown error " + errno : text;
  }

  @SuppressWarnings("restricted") // reads a C string of unknown length; see SAFETY below
  private static String cString(MethodHandle function, int errno) {
    MemorySegment text;
    try {
      text = (MemorySegment) function.invokeExact(errno);
    } catch (Throwable t) {
      throw Native.linkFailure("strerror*_np", t);
    }
    if (text.equals(MemorySegment.NULL)) {
      return null;
    }
    // SAFETY: glibc returns a pointer to a static, NUL-terminated string table entry that lives as
    // long as the process; reading up to its terminator stays inside it.
    return text.reinterpret(Long.MAX_VALUE).getString(0);
  }
}
