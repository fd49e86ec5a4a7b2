package dev.updraft.vmm.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.seccomp.ArgCondition.Op;
import dev.updraft.vmm.seccomp.ArgCondition.Width;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpfCompilerTest {
  private static final int ALLOW = SeccompAction.ALLOW.returnValue();
  private static final int TRAP = SeccompAction.TRAP.returnValue();
  private static final int READ = 0;
  private static final int WRITE = 1;
  private static final int IOCTL = 16;

  private static byte[] compile(SyscallRule... rules) {
    return BpfCompiler.compile(
        new ThreadFilter(SeccompAction.TRAP, SeccompAction.ALLOW, List.of(rules)));
  }

  private static SyscallRule rule(String name, ArgCondition... conditions) {
    return new SyscallRule(name, SyscallTable.number(name).orElseThrow(), List.of(conditions));
  }

  @Test
  void listedCallsAreAllowedAndOthersTrapped() {
    byte[] program = compile(rule("read"), rule("write"));
    assertThat(BpfInterpreter.run(program, READ)).isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(program, WRITE)).isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(program, IOCTL)).isEqualTo(TRAP);
  }

  @Test
  void anotherArchitectureIsKilled() {
    byte[] program = compile(rule("read"));
    int i386 = 0x4000_0003;
    assertThat(BpfInterpreter.runOnArch(program, i386, READ)).isEqualTo(0x8000_0000);
  }

  @Test
  void argumentRulesAreAlternativesOfConjunctions() {
    byte[] program =
        compile(
            rule("ioctl", ArgCondition.dwordEq(1, 0xAE80)),
            rule("ioctl", ArgCondition.dwordEq(0, 7), ArgCondition.dwordEq(1, 0xAEAD)));
    assertThat(BpfInterpreter.run(program, IOCTL, 5, 0xAE80)).isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(program, IOCTL, 7, 0xAEAD)).isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(program, IOCTL, 8, 0xAEAD)).isEqualTo(TRAP);
    assertThat(BpfInterpreter.run(program, IOCTL, 5, 0xAE81)).isEqualTo(TRAP);
    assertThat(BpfInterpreter.run(program, READ)).isEqualTo(TRAP);
  }

  @Test
  void dwordComparesTheLowHalfOnly() {
    byte[] program = compile(rule("ioctl", ArgCondition.dwordEq(1, 0xAE80)));
    assertThat(BpfInterpreter.run(program, IOCTL, 0, 0x1_0000_AE80L)).isEqualTo(ALLOW);
  }

  @Test
  void qwordComparisonsAreUnsignedOverAllSixtyFourBits() {
    long[] values = {0, 1, 0xffff_ffffL, 0x1_0000_0000L, 0x1_0000_0001L, 0x2_0000_0000L, -1L};
    long pivot = 0x1_0000_0000L;
    for (Op op : List.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE)) {
      byte[] program = compile(rule("read", new ArgCondition(2, Width.QWORD, op, pivot, 0)));
      for (long value : values) {
        int c = Long.compareUnsigned(value, pivot);
        boolean expected =
            switch (op) {
              case EQ -> c == 0;
              case NE -> c != 0;
              case LT -> c < 0;
              case LE -> c <= 0;
              case GT -> c > 0;
              case GE -> c >= 0;
              case MASKED_EQ -> throw new AssertionError();
            };
        assertThat(BpfInterpreter.run(program, READ, 0, 0, value))
            .as("%s %s 0x%x", Long.toHexString(value), op, pivot)
            .isEqualTo(expected ? ALLOW : TRAP);
      }
    }
  }

  @Test
  void dwordOrderingAndMaskedEquality() {
    byte[] lt = compile(rule("read", new ArgCondition(0, Width.DWORD, Op.LT, 10, 0)));
    assertThat(BpfInterpreter.run(lt, READ, 9)).isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(lt, READ, 10)).isEqualTo(TRAP);
    byte[] masked = compile(rule("openat", new ArgCondition(2, Width.DWORD, Op.MASKED_EQ, 0, 3)));
    int openat = SyscallTable.number("openat").orElseThrow();
    assertThat(BpfInterpreter.run(masked, openat, 0, 0, 0x80000))
        .as("O_RDONLY|O_CLOEXEC")
        .isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(masked, openat, 0, 0, 2)).as("O_RDWR").isEqualTo(TRAP);
    byte[] qmasked =
        compile(rule("read", new ArgCondition(0, Width.QWORD, Op.MASKED_EQ, 0x1_0000_0000L, -1L)));
    assertThat(BpfInterpreter.run(qmasked, READ, 0x1_0000_0000L)).isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(qmasked, READ, 0)).isEqualTo(TRAP);
  }

  @Test
  void manyRulesStillJumpToTheRightPlace() {
    List<SyscallRule> rules = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rules.add(rule("ioctl", ArgCondition.dwordEq(1, i)));
    }
    rules.add(rule("write"));
    byte[] program = compile(rules.toArray(SyscallRule[]::new));
    assertThat(BpfInterpreter.run(program, IOCTL, 0, 199)).isEqualTo(ALLOW);
    assertThat(BpfInterpreter.run(program, IOCTL, 0, 200)).isEqualTo(TRAP);
    assertThat(BpfInterpreter.run(program, WRITE)).isEqualTo(ALLOW);
  }

  @Test
  void aProgramOverTheKernelLimitIsRefused() {
    List<SyscallRule> rules = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      rules.add(rule("ioctl", ArgCondition.dwordEq(1, i)));
    }
    assertThatThrownBy(() -> compile(rules.toArray(SyscallRule[]::new)))
        .isInstanceOf(SeccompException.class)
        .hasMessageContaining("(expected: at most 4096)");
  }

  @Test
  void errnoActionCarriesItsNumber() {
    ThreadFilter filter =
        new ThreadFilter(
            new SeccompAction(SeccompAction.Kind.ERRNO, 1), SeccompAction.ALLOW, List.of());
    assertThat(BpfInterpreter.run(BpfCompiler.compile(filter), READ)).isEqualTo(0x0005_0001);
  }
}
