package dev.updraft.vmm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each of Firecracker's rules (vmm_config/memory_hotplug.rs), in its order. */
class MemoryHotplugConfigTest {
  @Test
  void firecrackersDefaultsMakeAValidDevice() {
    MemoryHotplugConfig config = MemoryHotplugConfig.ofTotal(1024);
    assertThat(config).isEqualTo(new MemoryHotplugConfig(1024, 2, 128));
    assertThat(config.totalBytes()).isEqualTo(1L << 30);
    assertThat(new MemoryHotplugConfig(1024, 4, 256).slotBytes()).isEqualTo(256L << 20);
  }

  @Test
  void aBlockIsAtLeastTwoMebibytes() {
    assertThatThrownBy(() -> new MemoryHotplugConfig(1024, 1, 128))
        .isInstanceOf(ConfigException.class)
        .hasMessage("block_size_mib: 1 (expected: at least 2 MiB)");
  }

  @Test
  void aBlockIsAPowerOfTwo() {
    assertThatThrownBy(() -> new MemoryHotplugConfig(1024, 3, 128))
        .isInstanceOf(ConfigException.class)
        .hasMessage("block_size_mib: 3 (expected: a power of 2)");
  }

  @Test
  void aSlotIsAtLeast128Mebibytes() {
    assertThatThrownBy(() -> new MemoryHotplugConfig(1024, 2, 1))
        .isInstanceOf(ConfigException.class)
        .hasMessage("slot_size_mib: 1 (expected: at least 128 MiB)");
  }

  @Test
  void aSlotIsWholeBlocks() {
    assertThatThrownBy(() -> new MemoryHotplugConfig(1024, 4, 130))
        .isInstanceOf(ConfigException.class)
        .hasMessage("slot_size_mib: 130 (expected: a multiple of block_size_mib (4 MiB))");
  }

  @Test
  void theRegionIsAtLeastOneSlot() {
    assertThatThrownBy(() -> new MemoryHotplugConfig(64, 2, 128))
        .isInstanceOf(ConfigException.class)
        .hasMessage("total_size_mib: 64 (expected: at least slot_size_mib (128 MiB))");
  }

  @Test
  void theRegionIsWholeSlots() {
    assertThatThrownBy(() -> new MemoryHotplugConfig(1000, 2, 128))
        .isInstanceOf(ConfigException.class)
        .hasMessage("total_size_mib: 1000 (expected: a multiple of slot_size_mib (128 MiB))");
  }

  @Test
  void sizesAreUnsigned32BitIntegers() {
    assertThatThrownBy(() -> new MemoryHotplugConfig(-128, 2, 128))
        .hasMessage("total_size_mib: -128 (expected: an integer from 0 to 4294967295)");
    assertThatThrownBy(() -> new MemoryHotplugConfig(1024, 2, 1L << 32))
        .hasMessage("slot_size_mib: 4294967296 (expected: an integer from 0 to 4294967295)");
  }
}
