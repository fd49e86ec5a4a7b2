package dev.updraft.vmm.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.arch.E820Entry.Type;
import org.junit.jupiter.api.Test;

class MemoryMapTest {
  @Test
  void describesLowRamTheSystemWindowEcamAndEachRegion() {
    assertThat(MemoryMap.of(Layout.ramRegions(5L << 30)))
        .containsExactly(
            new E820Entry(0, 0x9FC00, Type.RAM),
            new E820Entry(0x9FC00, 0x40400, Type.RESERVED),
            new E820Entry(0xEEC0_0000L, 256L << 20, Type.RESERVED),
            new E820Entry(0x100000, (3L << 30) - 0x100000, Type.RAM),
            new E820Entry(4L << 30, 2L << 30, Type.RAM));
  }

  @Test
  void needsLowRamAboveOneMib() {
    assertThatThrownBy(() -> MemoryMap.of(Layout.ramRegions(1 << 20)))
        .hasMessage("low RAM end: 0x100000 (expected: above 0x100000)");
    assertThatThrownBy(() -> new E820Entry(0, 0, Type.RAM)).hasMessageContaining("size: 0");
  }
}
