package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.arch.E820Entry;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.MemoryMap;
import dev.updraft.vmm.memory.HeapGuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

class PvhStartInfoTest {
  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(128 << 20));
  private final List<E820Entry> map = MemoryMap.of(memory.regions());

  @Test
  void writesStartInfoModuleAndMemoryMap() {
    PvhStartInfo.write(memory, map, new Initrd(0x7F0_0000, 0x4321));

    long info = 0x6000;
    assertThat(memory.readInt(info)).isEqualTo(0x336EC578);
    assertThat(memory.readInt(info + 4)).isEqualTo(1); // version
    assertThat(memory.readInt(info + 12)).isEqualTo(1); // nr_modules
    assertThat(memory.readLong(info + 16)).isEqualTo(0x6040); // modlist_paddr
    assertThat(memory.readLong(info + 24)).isEqualTo(0x20000); // cmdline_paddr
    assertThat(memory.readLong(info + 32)).isEqualTo(0xE0000); // rsdp_paddr
    assertThat(memory.readLong(info + 40)).isEqualTo(0x7000); // memmap_paddr
    assertThat(memory.readInt(info + 48)).isEqualTo(4); // memmap_entries
    assertThat(memory.readLong(0x6040)).isEqualTo(0x7F0_0000);
    assertThat(memory.readLong(0x6048)).isEqualTo(0x4321);
    for (int i = 0; i < map.size(); i++) {
      long entry = 0x7000 + i * 24L;
      assertThat(memory.readLong(entry)).isEqualTo(map.get(i).address());
      assertThat(memory.readLong(entry + 8)).isEqualTo(map.get(i).size());
      assertThat(memory.readInt(entry + 16)).isEqualTo(map.get(i).type().code());
    }
  }

  @Test
  void withoutAnInitrdThereAreNoModules() {
    memory.writeLong(0x6010, -1);

    PvhStartInfo.write(memory, map);

    assertThat(memory.readInt(0x600C)).isZero();
    assertThat(memory.readLong(0x6010)).isZero();
  }
}
