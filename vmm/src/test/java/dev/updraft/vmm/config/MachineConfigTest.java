package dev.updraft.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.virtio.block.CacheType;
import org.junit.jupiter.api.Test;

class MachineConfigTest {
  private static MachineConfig config(int vcpus, int mem, boolean smt, HugePages pages) {
    return new MachineConfig(vcpus, mem, smt, false, pages, CpuTemplate.NONE);
  }

  @Test
  void defaultsAreFirecrackers() {
    assertThat(MachineConfig.DEFAULT)
        .isEqualTo(new MachineConfig(1, 128, false, false, HugePages.NONE, CpuTemplate.NONE));
  }

  @Test
  void vcpuCountIsOneToThirtyTwo() {
    assertThat(config(1, 128, false, HugePages.NONE).vcpuCount()).isEqualTo(1);
    assertThat(config(32, 128, false, HugePages.NONE).vcpuCount()).isEqualTo(32);
    assertThatThrownBy(() -> config(0, 128, false, HugePages.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessage("vcpu_count: 0 (expected: 1 to 32)");
    assertThatThrownBy(() -> config(33, 128, false, HugePages.NONE))
        .hasMessage("vcpu_count: 33 (expected: 1 to 32)");
  }

  @Test
  void smtNeedsOneOrAnEvenCount() {
    assertThat(config(1, 128, true, HugePages.NONE).smt()).isTrue();
    assertThat(config(4, 128, true, HugePages.NONE).vcpuCount()).isEqualTo(4);
    assertThatThrownBy(() -> config(3, 128, true, HugePages.NONE))
        .hasMessage("vcpu_count: 3 (expected: 1 or an even number when smt is true)");
    assertThat(config(3, 128, false, HugePages.NONE).vcpuCount()).isEqualTo(3);
  }

  @Test
  void memoryIsPositiveAndEvenWithHugetlbfs() {
    assertThatThrownBy(() -> config(1, 0, false, HugePages.NONE))
        .hasMessage("mem_size_mib: 0 (expected: at least 1)");
    assertThat(config(1, 127, false, HugePages.TRANSPARENT).memSizeMib()).isEqualTo(127);
    assertThatThrownBy(() -> config(1, 127, false, HugePages.HUGETLBFS_2M))
        .hasMessage("mem_size_mib: 127 (expected: a multiple of 2 with huge_pages 2M)");
  }

  @Test
  void patchChangesOnlyTheNamedFields() {
    MachineConfig patched =
        MachineConfig.DEFAULT.with(new MachineConfigUpdate(null, 512, null, true, null, null));
    assertThat(patched)
        .isEqualTo(new MachineConfig(1, 512, false, true, HugePages.NONE, CpuTemplate.NONE));
  }

  @Test
  void patchIsValidatedAgainstTheCombinedResult() {
    MachineConfig four = config(4, 128, true, HugePages.NONE);
    assertThatThrownBy(() -> four.with(new MachineConfigUpdate(3, null, null, null, null, null)))
        .hasMessageContaining("when smt is true");
  }

  @Test
  void replacingSetsEveryFieldAndIsNeverEmpty() {
    MachineConfig config =
        new MachineConfig(2, 256, false, true, HugePages.HUGETLBFS_2M, CpuTemplate.T2);
    MachineConfigUpdate update = MachineConfigUpdate.replacing(config);
    assertThat(update.isEmpty()).isFalse();
    assertThat(MachineConfig.DEFAULT.with(update)).isEqualTo(config);
    assertThat(new MachineConfigUpdate(null, null, null, null, null, null).isEmpty()).isTrue();
  }

  @Test
  void wireNamesParseExactlyAndListTheChoices() {
    assertThat(WireNamed.parse(HugePages.class, "huge_pages", "2M", false))
        .isEqualTo(HugePages.HUGETLBFS_2M);
    assertThatThrownBy(() -> WireNamed.parse(HugePages.class, "huge_pages", "7M", false))
        .hasMessage("huge_pages: \"7M\" (expected: one of None, Transparent, 2M)");
    assertThatThrownBy(
            () ->
                WireNamed.parse(
                    CacheType.class, CacheType::wireName, "cache_type", "unsafe", false))
        .hasMessageContaining("one of Unsafe, Writeback");
  }
}
