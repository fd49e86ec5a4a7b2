package dev.updraft.vmm.cpu;

import dev.updraft.sys.kvm.MsrEntry;
import java.util.List;

/** The MSRs Firecracker writes on every vCPU before boot (arch/x86_64/msr.rs). */
public final class BootMsrs {
  static final int IA32_TSC = 0x10;
  static final int IA32_SYSENTER_CS = 0x174;
  static final int IA32_SYSENTER_ESP = 0x175;
  static final int IA32_SYSENTER_EIP = 0x176;
  static final int IA32_MISC_ENABLE = 0x1A0;
  static final int IA32_MTRR_DEF_TYPE = 0x2FF;
  static final int STAR = 0xC000_0081;
  static final int LSTAR = 0xC000_0082;
  static final int CSTAR = 0xC000_0083;
  static final int SYSCALL_MASK = 0xC000_0084;
  static final int KERNEL_GS_BASE = 0xC000_0102;
  private static final long MISC_ENABLE_FAST_STRINGS = 1;
  // MTRRs enabled (bit 11), fixed-range MTRRs off, default memory type write-back (6).
  private static final long MTRR_ENABLE_WRITE_BACK = (1 << 11) | 6;

  private BootMsrs() {}

  public static List<MsrEntry> entries() {
    return List.of(
        new MsrEntry(IA32_SYSENTER_CS, 0),
        new MsrEntry(IA32_SYSENTER_ESP, 0),
        new MsrEntry(IA32_SYSENTER_EIP, 0),
        new MsrEntry(STAR, 0),
        new MsrEntry(CSTAR, 0),
        new MsrEntry(KERNEL_GS_BASE, 0),
        new MsrEntry(SYSCALL_MASK, 0),
        new MsrEntry(LSTAR, 0),
        new MsrEntry(IA32_TSC, 0),
        new MsrEntry(IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRINGS),
        new MsrEntry(IA32_MTRR_DEF_TYPE, MTRR_ENABLE_WRITE_BACK));
  }
}
