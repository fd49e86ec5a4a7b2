package dev.updraft.sys;

/** {@code memfd_create(2)} flags. */
public final class MemFdFlags {
  public static final int MFD_CLOEXEC = 0x0001;
  public static final int MFD_ALLOW_SEALING = 0x0002;
  public static final int MFD_HUGETLB = 0x0004;

  private MemFdFlags() {}
}
