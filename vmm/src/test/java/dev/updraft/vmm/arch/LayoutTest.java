package dev.updraft.vmm.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.MemoryRegion;
import org.junit.jupiter.api.Test;

class LayoutTest {
  private static final long GIB = 1L << 30;

  @Test
  void theHotplugRegionGoesAt512GibOrAfterRamThereAndMustFitBelowOneTib() {
    assertThat(Layout.hotplugStart(Layout.ramRegions(128L << 20), GIB)).isEqualTo(512 * GIB);
    assertThat(Layout.hotplugStart(Layout.ramRegions(300 * GIB), GIB))
        .as("3 + 252 GiB below the hole, the other 45 GiB from 512 GiB")
        .isEqualTo(557 * GIB);
    assertThat(
            Layout.hotplugStart(
                java.util.List.of(new MemoryRegion(512 * GIB, (1L << 20) + 0x1000)), GIB))
        .isEqualTo(512 * GIB + (128L << 20));
    assertThat(Layout.hotplugStart(Layout.ramRegions(128L << 20), 512 * GIB)).isEqualTo(512 * GIB);
    assertThatThrownBy(() -> Layout.hotplugStart(Layout.ramRegions(128L << 20), 513 * GIB))
        .hasMessage(
            "memory-hotplug: total_size_mib 525312 (expected: at most 524288, the room past the"
                + " 64-bit MMIO hole)");
  }

  /**
   * Firecracker's allocator places the virtio-mem region first and the pmem regions after it: with
   * both, a pmem region must not overlap the hot-pluggable memory.
   */
  @Test
  void pmemRegionsGoAfterTheHotplugRegion() {
    var ram = Layout.ramRegions(128L << 20);
    assertThat(Layout.pmemStart(ram, 0)).as("alone: at 512 GiB").isEqualTo(512 * GIB);
    long hotplugEnd = Layout.hotplugStart(ram, GIB) + GIB;
    assertThat(Layout.pmemStart(ram, hotplugEnd)).isEqualTo(513 * GIB);
    assertThat(Layout.pmemStart(ram, 512 * GIB + (129L << 20)))
        .as("2 MiB aligned")
        .isEqualTo(512 * GIB + (130L << 20));
    assertThat(Layout.pmemStart(Layout.ramRegions(300 * GIB), 0))
        .as("past RAM that continues at 512 GiB")
        .isEqualTo(557 * GIB);
  }

  @Test
  void smallGuestsGetOneRegionFromZero() {
    assertThat(Layout.ramRegions(128L << 20)).containsExactly(new MemoryRegion(0, 128L << 20));
    assertThat(Layout.ramRegions(3 * GIB)).containsExactly(new MemoryRegion(0, 3 * GIB));
  }

  @Test
  void ramPastThreeGibResumesAtFourGib() {
    assertThat(Layout.ramRegions(3 * GIB + 0x1000))
        .containsExactly(new MemoryRegion(0, 3 * GIB), new MemoryRegion(4 * GIB, 0x1000));
    assertThat(Layout.ramRegions(8 * GIB))
        .containsExactly(new MemoryRegion(0, 3 * GIB), new MemoryRegion(4 * GIB, 5 * GIB));
  }

  @Test
  void hugeGuestsSkipTheSixtyFourBitHole() {
    assertThat(Layout.ramRegions(300 * GIB))
        .containsExactly(
            new MemoryRegion(0, 3 * GIB),
            new MemoryRegion(4 * GIB, 252 * GIB),
            new MemoryRegion(512 * GIB, 45 * GIB));
  }

  @Test
  void rejectsSizesThatAreNotWholePages() {
    assertThatThrownBy(() -> Layout.ramRegions(0))
        .hasMessage("memBytes: 0 (expected: a positive multiple of 4096)");
    assertThatThrownBy(() -> Layout.ramRegions(4097)).hasMessageContaining("memBytes: 4097");
    assertThatThrownBy(() -> Layout.ramRegions(Long.MAX_VALUE & -4096))
        .hasMessageContaining("does not wrap");
  }

  @Test
  void firecrackersFixedAddressesHold() {
    assertThat(Layout.SYSTEM_MEM_START + Layout.SYSTEM_MEM_SIZE).isEqualTo(Layout.RSDP_ADDR);
    assertThat(Layout.VIRTIO_MMIO_START).isEqualTo(0xC000_1000L);
    assertThat(Layout.MMIO32_START + Layout.MMIO32_SIZE).isEqualTo(4 * GIB);
    assertThat(Layout.lowRamEnd(Layout.ramRegions(8 * GIB))).isEqualTo(3 * GIB);
    assertThat(Layout.alignDown(0x1FFF, 0x1000)).isEqualTo(0x1000);
    assertThat(Layout.alignUp(0x1001, 0x1000)).isEqualTo(0x2000);
  }
}
