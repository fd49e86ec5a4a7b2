package dev.updraft.sys;

/** {@code open(2)} flags for x86-64 Linux. */
public final class OpenFlags {
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOCTTY = 0400;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DSYNC = 010000;
  public static final int O_DIRECT = 040000;
  public static final int O_CLOEXEC = 02000000;

  private OpenFlags() {}
}
