package dev.updraft.sys.kvm;

/** The general-purpose registers of {@code struct kvm_regs}, in the kernel's order. */
public record Regs(
    long rax,
    long rbx,
    long rcx,
    long rdx,
    long rsi,
    long rdi,
    long rsp,
    long rbp,
    long r8,
    long r9,
    long r10,
    long r11,
    long r12,
    long r13,
    long r14,
    long r15,
    long rip,
    long rflags) {

  /** Registers all zero but RFLAGS bit 1, which the architecture requires to be set. */
  public static Regs reset() {
    return new Regs(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2);
  }

  long[] toArray() {
    return new long[] {
      rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags
    };
  }

  static Regs fromArray(long[] v) {
    return new Regs(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
        v[14], v[15], v[16], v[17]);
  }
}
