package dev.updraft.vmm.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a {@link ThreadFilter} to a classic BPF program for {@code seccomp(2)}. The program
 * checks the architecture (anything but x86-64 is killed), then tests the system call number
 * against each allowed call in turn; a call with argument rules tries them in order, each a chain
 * of unsigned comparisons of 32-bit halves of the argument, and takes the default action if none
 * matches. Jumps between calls use the 32-bit {@code ja}, so a filter of any size compiles.
 */
public final class BpfCompiler {
  /** BPF_MAXINSNS: the kernel refuses longer programs. */
  public static final int MAX_INSTRUCTIONS = 4096;

  private static final int AUDIT_ARCH_X86_64 = 0xC000_003E;
  private static final int KILL_PROCESS = 0x8000_0000;
  private static final int LD_W_ABS = 0x20;
  private static final int JMP_JA = 0x05;
  private static final int JMP_JEQ = 0x15;
  private static final int JMP_JGT = 0x25;
  private static final int JMP_JGE = 0x35;
  private static final int ALU_AND = 0x54;
  private static final int RET = 0x06;
  private static final int NR = 0;
  private static final int ARCH = 4;
  private static final int ARGS = 16;

  // Where a conditional jump goes, resolved when the rule is laid out.
  private enum Target {
    NEXT,
    PASS,
    FAIL
  }

  private record Insn(int code, Target jt, Target jf, int k) {}

  private record Raw(int code, int jt, int jf, int k) {}

  private BpfCompiler() {}

  /** The program, 8 bytes per instruction in host (little-endian) order. */
  public static byte[] compile(ThreadFilter filter) {
    List<Raw> program = new ArrayList<>();
    program.add(new Raw(LD_W_ABS, 0, 0, ARCH));
    program.add(new Raw(JMP_JEQ, 1, 0, AUDIT_ARCH_X86_64));
    program.add(new Raw(RET, 0, 0, KILL_PROCESS));
    Map<Integer, List<SyscallRule>> bySyscall = new LinkedHashMap<>();
    for (SyscallRule rule : filter.rules()) {
      bySyscall.computeIfAbsent(rule.number(), n -> new ArrayList<>()).add(rule);
    }
    int allow = filter.filterAction().returnValue();
    int otherwise = filter.defaultAction().returnValue();
    for (var entry : bySyscall.entrySet()) {
      List<Raw> block = new ArrayList<>();
      boolean unconditional = entry.getValue().stream().anyMatch(r -> r.conditions().isEmpty());
      if (unconditional) {
        block.add(new Raw(RET, 0, 0, allow));
      } else {
        for (SyscallRule rule : entry.getValue()) {
          block.addAll(rule(rule, allow));
        }
        block.add(new Raw(RET, 0, 0, otherwise));
      }
      program.add(new Raw(LD_W_ABS, 0, 0, NR));
      program.add(new Raw(JMP_JEQ, 1, 0, entry.getKey()));
      program.add(new Raw(JMP_JA, 0, 0, block.size()));
      program.addAll(block);
    }
    program.add(new Raw(RET, 0, 0, otherwise));
    if (program.size() > MAX_INSTRUCTIONS) {
      throw SeccompException.of(
          "filter", program.size() + " BPF instructions", "at most " + MAX_INSTRUCTIONS);
    }
    ByteBuffer bytes = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (Raw insn : program) {
      bytes.putShort((short) insn.code()).put((byte) insn.jt()).put((byte) insn.jf());
      bytes.putInt(insn.k());
    }
    return bytes.array();
  }

  /** One rule: its conditions in turn, then {@code ret allow}; a failed condition skips past. */
  private static List<Raw> rule(SyscallRule rule, int allow) {
    List<List<Insn>> conditions = rule.conditions().stream().map(BpfCompiler::condition).toList();
    int length = conditions.stream().mapToInt(List::size).sum() + 1;
    List<Raw> out = new ArrayList<>();
    for (List<Insn> condition : conditions) {
      int end = out.size() + condition.size();
      for (Insn insn : condition) {
        int at = out.size();
        out.add(
            new Raw(
                insn.code(),
                offset(insn.jt(), at, end, length),
                offset(insn.jf(), at, end, length),
                insn.k()));
      }
    }
    out.add(new Raw(RET, 0, 0, allow));
    return out;
  }

  private static int offset(Target target, int at, int conditionEnd, int ruleLength) {
    int to =
        switch (target) {
          case NEXT -> at + 1;
          case PASS -> conditionEnd;
          case FAIL -> ruleLength;
        };
    int offset = to - at - 1;
    if (offset < 0 || offset > 255) {
      throw new IllegalStateException("BPF jump of " + offset + " in one rule");
    }
    return offset;
  }

  private static List<Insn> condition(ArgCondition c) {
    int lo = ARGS + 8 * c.index();
    int hi = lo + 4;
    int valueLo = (int) c.value();
    int valueHi = (int) (c.value() >>> 32);
    List<Insn> out = new ArrayList<>();
    if (c.width() == ArgCondition.Width.DWORD) {
      out.add(load(lo));
      compareLow(out, c.op(), valueLo, (int) c.mask());
      return out;
    }
    out.add(load(hi));
    switch (c.op()) {
      case EQ -> out.add(jump(JMP_JEQ, valueHi, Target.NEXT, Target.FAIL));
      case NE -> out.add(jump(JMP_JEQ, valueHi, Target.NEXT, Target.PASS));
      case GT, GE -> {
        out.add(jump(JMP_JGT, valueHi, Target.PASS, Target.NEXT));
        out.add(jump(JMP_JEQ, valueHi, Target.NEXT, Target.FAIL));
      }
      case LT, LE -> {
        out.add(jump(JMP_JGT, valueHi, Target.FAIL, Target.NEXT));
        out.add(jump(JMP_JEQ, valueHi, Target.NEXT, Target.PASS));
      }
      case MASKED_EQ -> {
        out.add(new Insn(ALU_AND, Target.NEXT, Target.NEXT, (int) (c.mask() >>> 32)));
        out.add(jump(JMP_JEQ, valueHi, Target.NEXT, Target.FAIL));
      }
    }
    out.add(load(lo));
    compareLow(out, c.op(), valueLo, (int) c.mask());
    return out;
  }

  // The last comparison of a condition, on the low 32 bits in the accumulator.
  private static void compareLow(List<Insn> out, ArgCondition.Op op, int value, int mask) {
    switch (op) {
      case EQ -> out.add(jump(JMP_JEQ, value, Target.PASS, Target.FAIL));
      case NE -> out.add(jump(JMP_JEQ, value, Target.FAIL, Target.PASS));
      case GT -> out.add(jump(JMP_JGT, value, Target.PASS, Target.FAIL));
      case GE -> out.add(jump(JMP_JGE, value, Target.PASS, Target.FAIL));
      case LT -> out.add(jump(JMP_JGE, value, Target.FAIL, Target.PASS));
      case LE -> out.add(jump(JMP_JGT, value, Target.FAIL, Target.PASS));
      case MASKED_EQ -> {
        out.add(new Insn(ALU_AND, Target.NEXT, Target.NEXT, mask));
        out.add(jump(JMP_JEQ, value, Target.PASS, Target.FAIL));
      }
    }
  }

  private static Insn load(int offset) {
    return new Insn(LD_W_ABS, Target.NEXT, Target.NEXT, offset);
  }

  private static Insn jump(int code, int k, Target jt, Target jf) {
    return new Insn(code, jt, jf, k);
  }
}
