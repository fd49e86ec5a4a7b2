package dev.updraft.vmm.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AllocatorsTest {
  @Test
  void virtioDevicesGetConsecutiveWindowsAndGsisFromFive() {
    GsiAllocator gsis = new GsiAllocator();
    MmioAllocator mmio = new MmioAllocator(gsis);

    assertThat(mmio.allocate()).isEqualTo(new DeviceSlot(0xC000_1000L, 0x1000, 5));
    assertThat(mmio.allocate()).isEqualTo(new DeviceSlot(0xC000_2000L, 0x1000, 6));
    assertThat(gsis.allocate()).isEqualTo(7);
    assertThat(mmio.allocate()).isEqualTo(new DeviceSlot(0xC000_3000L, 0x1000, 8));
  }

  @Test
  void nineteenGsisAreAllThereIs() {
    GsiAllocator gsis = new GsiAllocator();
    for (int gsi = 5; gsi <= 23; gsi++) {
      assertThat(gsis.allocate()).isEqualTo(gsi);
    }
    assertThatThrownBy(gsis::allocate)
        .isInstanceOf(AllocationException.class)
        .hasMessage("gsi: none left (expected: at most 19 devices on GSIs 5..23)");
  }

  @Test
  void deviceSlotsStayInTheThirtyTwoBitDeviceWindow() {
    assertThatThrownBy(() -> new DeviceSlot(0xB000_0000L, 0x1000, 5))
        .hasMessageContaining("base: 0xb0000000");
    assertThatThrownBy(() -> new DeviceSlot(0xEEBF_F000L, 0x2000, 5))
        .hasMessageContaining("size: 8192");
    assertThatThrownBy(() -> new DeviceSlot(0xC000_1000L, 0x1000, 4))
        .hasMessage("gsi: 4 (expected: 5..23)");
  }

  @Test
  void systemMemoryIsFirstFitUpToTheRsdp() {
    SystemMemory system = new SystemMemory();

    assertThat(system.allocate(100)).isEqualTo(0x9FC00);
    assertThat(system.allocate(5)).isEqualTo(0x9FC64);
    assertThat(system.allocate(0x40400 - 105)).isEqualTo(0x9FC69);
    assertThatThrownBy(() -> system.allocate(1))
        .isInstanceOf(AllocationException.class)
        .hasMessageContaining("system memory: 1 bytes (expected: 1..0");
  }
}
