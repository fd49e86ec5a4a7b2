package dev.updraft.vmm.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a classic-BPF seccomp program the way the kernel does, on a system call number and six
 * arguments, so tests check what a compiled filter decides rather than how it is spelled.
 */
final class BpfInterpreter {
  static final int AUDIT_ARCH_X86_64 = 0xC000_003E;

  private BpfInterpreter() {}

  /** The 32-bit value the program returns for this call on x86-64. */
  static int run(byte[] program, int nr, long... args) {
    return runOnArch(program, AUDIT_ARCH_X86_64, nr, args);
  }

  static int runOnArch(byte[] program, int arch, int nr, long... args) {
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(0, nr).putInt(4, arch);
    for (int i = 0; i < args.length; i++) {
      data.putLong(16 + 8 * i, args[i]);
    }
    ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
    int a = 0;
    int pc = 0;
    while (true) {
      int at = pc * 8;
      int op = code.getShort(at) & 0xffff;
      int jt = code.get(at + 2) & 0xff;
      int jf = code.get(at + 3) & 0xff;
      int k = code.getInt(at + 4);
      pc++;
      switch (op) {
        case 0x20 -> a = data.getInt(k);
        case 0x54 -> a &= k;
        case 0x05 -> pc += k;
        case 0x15 -> pc += a == k ? jt : jf;
        case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf;
        case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
        case 0x06 -> {
          return k;
        }
        default -> throw new IllegalStateException("opcode 0x" + Integer.toHexString(op));
      }
    }
  }
}
