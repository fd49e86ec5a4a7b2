package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.HeapGuestMemory;
import org.junit.jupiter.api.Test;

class BootCpuStateTest {
  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(16 << 20));

  @Test
  void linuxBootEntersLongModeOnIdentityPageTables() {
    BootTables.write(memory, BootProtocol.LINUX_64);
    BootCpuState state = BootCpuState.of(BootProtocol.LINUX_64, 0x100_0000);

    // Firecracker's regs.rs expects exactly these descriptors.
    assertThat(memory.readLong(0x500)).isZero();
    assertThat(memory.readLong(0x508)).isEqualTo(0x00AF_9B00_0000_FFFFL);
    assertThat(memory.readLong(0x510)).isEqualTo(0x00CF_9300_0000_FFFFL);
    assertThat(memory.readLong(0x518)).isEqualTo(0x008F_8B00_0000_FFFFL);
    assertThat(memory.readLong(0x520)).isZero();
    assertThat(memory.readLong(0x9000)).isEqualTo(0xA003);
    assertThat(memory.readLong(0xA000)).isEqualTo(0xB003);
    for (long i = 0; i < 512; i++) {
      assertThat(memory.readLong(0xB000 + i * 8)).isEqualTo((i << 21) + 0x83);
    }

    assertThat(state.rip()).isEqualTo(0x100_0000);
    assertThat(state.rsp()).isEqualTo(0x8FF0);
    assertThat(state.rbp()).isEqualTo(0x8FF0);
    assertThat(state.rsi()).isEqualTo(0x7000);
    assertThat(state.rbx()).isZero();
    assertThat(state.rflags()).isEqualTo(2);
    assertThat(state.cr0()).isEqualTo(0x8000_0011L);
    assertThat(state.cr3()).isEqualTo(0x9000);
    assertThat(state.cr4()).isEqualTo(0x20);
    assertThat(state.efer()).isEqualTo(0x500);
    assertThat(state.gdtBase()).isEqualTo(0x500);
    assertThat(state.gdtLimit()).isEqualTo(31);
    assertThat(state.idtBase()).isEqualTo(0x520);
    assertThat(state.idtLimit()).isEqualTo(7);
    assertThat(state.cs())
        .isEqualTo(
            new Segment(
                0, 0xFFFF_FFFFL, 0x08, 0xB, true, 0, false, true, true, true, false, false));
    assertThat(state.ds())
        .isEqualTo(
            new Segment(
                0, 0xFFFF_FFFFL, 0x10, 0x3, true, 0, true, true, false, true, false, false));
    assertThat(state.ss()).isEqualTo(state.ds());
    assertThat(state.tr().selector()).isEqualTo(0x18);
    assertThat(state.tr().type()).isEqualTo(0xB);
    assertThat(state.tr().s()).isFalse();
  }

  @Test
  void pvhEntersFlat32BitProtectedModeWithoutPaging() {
    memory.writeLong(0x9000, -1);
    BootTables.write(memory, BootProtocol.PVH);
    BootCpuState state = BootCpuState.of(BootProtocol.PVH, 0x100_0180);

    assertThat(memory.readLong(0x508)).isEqualTo(0x00CF_9B00_0000_FFFFL);
    assertThat(memory.readLong(0x510)).isEqualTo(0x00CF_9300_0000_FFFFL);
    assertThat(memory.readLong(0x518)).isEqualTo(0x0000_8B00_0000_0067L);
    assertThat(memory.readLong(0x9000)).isEqualTo(-1); // no page tables for PVH

    assertThat(state.rip()).isEqualTo(0x100_0180);
    assertThat(state.rbx()).isEqualTo(0x6000);
    assertThat(state.rsi()).isZero();
    assertThat(state.cr0()).isEqualTo(0x11);
    assertThat(state.cr3()).isZero();
    assertThat(state.cr4()).isZero();
    assertThat(state.efer()).isZero();
    assertThat(state.cs().db()).isTrue();
    assertThat(state.cs().l()).isFalse();
    assertThat(state.cs().limit()).isEqualTo(0xFFFF_FFFFL);
    assertThat(state.tr().limit()).isEqualTo(0x67);
    assertThat(state.tr().g()).isFalse();
  }

  @Test
  void decodesEveryDescriptorField() {
    Segment segment = Segment.fromGdtEntry(Segment.gdtEntry(0xA09B, 0x10_0000, 0xFFFFF), 0);

    assertThat(segment)
        .isEqualTo(
            new Segment(
                0x10_0000, 0xFFFF_FFFFL, 0, 0xB, true, 0, false, true, true, true, false, false));
    Segment absent = Segment.fromGdtEntry(Segment.gdtEntry(0x70, 0xFF12_3456L, 0x12), 5);
    assertThat(absent.base()).isEqualTo(0xFF12_3456L);
    assertThat(absent.limit()).isEqualTo(0x12);
    assertThat(absent.selector()).isEqualTo(40);
    assertThat(absent.dpl()).isEqualTo(3);
    assertThat(absent.present()).isFalse();
    assertThat(absent.unusable()).isTrue();
  }
}
