package dev.updraft.vmm.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LapicLintsTest {
  @Test
  void setsExtIntAndNmiAndKeepsTheOtherBits() {
    byte[] lapic = new byte[1024];
    lapic[LapicLints.LVT_LINT0 + 2] = 1; // mask bit 16
    lapic[LapicLints.LVT_LINT1] = 0x20; // vector
    byte[] out = LapicLints.apply(lapic);
    assertThat(LapicLints.get(out, LapicLints.LVT_LINT0)).isEqualTo(0x1_0700);
    assertThat(LapicLints.get(out, LapicLints.LVT_LINT1)).isEqualTo(0x420);
    assertThat(lapic[LapicLints.LVT_LINT0 + 1]).isZero();
  }
}
