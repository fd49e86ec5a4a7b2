package dev.updraft.vmm.seccomp;

/**
 * One comparison of a system call argument (Firecracker's {@code SeccompCondition}): argument
 * {@code index} (0..5), compared as a {@code dword} (its low 32 bits) or a {@code qword}, with
 * {@code op} against {@code value}; {@code mask} is used by {@code masked_eq} only.
 */
public record ArgCondition(int index, Width width, Op op, long value, long mask) {
  /** How much of the argument is compared. */
  public enum Width {
    DWORD,
    QWORD
  }

  /** The comparisons, unsigned as the kernel's BPF jumps are. */
  public enum Op {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    MASKED_EQ
  }

  public ArgCondition {
    if (index < 0 || index > 5) {
      throw SeccompException.of("index", index, "0..5");
    }
    if (width == null || op == null) {
      throw new SeccompException("type and op are required");
    }
    if (width == Width.DWORD && (value >>> 32) != 0) {
      throw SeccompException.of("val", Long.toUnsignedString(value), "a 32-bit value for dword");
    }
    if (op != Op.MASKED_EQ && mask != 0) {
      throw SeccompException.of("mask", mask, "only with masked_eq");
    }
  }

  /** A dword equality, the most common condition (an ioctl request, a flag). */
  public static ArgCondition dwordEq(int index, long value) {
    return new ArgCondition(index, Width.DWORD, Op.EQ, value, 0);
  }
}
