package dev.updraft.vmm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeapGuestMemoryTest {
  private final HeapGuestMemory memory =
      new HeapGuestMemory(List.of(new MemoryRegion(0x10000, 0x1000), new MemoryRegion(0, 0x1000)));

  @Test
  void readsAndWritesLittleEndianInEachRegion() {
    memory.writeInt(0x10, 0x01020304);
    assertThat(memory.readByte(0x10)).isEqualTo((byte) 4);
    memory.writeLong(0x10ff8, -1L);
    assertThat(memory.readLong(0x10ff8)).isEqualTo(-1L);
    memory.writeShortRelease(0x10002, (short) 0x1234);
    assertThat(memory.readShortAcquire(0x10002)).isEqualTo((short) 0x1234);
    assertThat(memory.regions()).extracting(MemoryRegion::start).containsExactly(0L, 0x10000L);
  }

  @Test
  void rejectsAccessesOutsideOrAcrossRegions() {
    assertThatThrownBy(() -> memory.readInt(0x0ffe))
        .isInstanceOf(GuestMemoryException.class)
        .hasMessage("guest address: 0xffe length 4 (expected: inside one guest memory region)");
    assertThatThrownBy(() -> memory.writeByte(0x5000, (byte) 1))
        .isInstanceOf(GuestMemoryException.class);
    assertThatThrownBy(() -> memory.slice(0x10f00, 0x200)).isInstanceOf(GuestMemoryException.class);
    assertThatThrownBy(() -> memory.readShortAcquire(0x11)).hasMessageContaining("aligned");
    assertThat(memory.contains(0x10000, 0x1000)).isTrue();
    assertThat(memory.contains(0x10000, 0x1001)).isFalse();
  }

  @Test
  void sliceWritesThrough() {
    memory.slice(0x100, 4).putInt(0, 0xAABBCCDD);
    assertThat(memory.readInt(0x100)).isEqualTo(0xAABBCCDD);
    memory.zero(0x100, 2);
    assertThat(memory.readInt(0x100)).isEqualTo(0xAABB0000);
  }

  @Test
  void rejectsOverlappingRegions() {
    assertThatThrownBy(
            () ->
                new HeapGuestMemory(
                    List.of(new MemoryRegion(0, 0x2000), new MemoryRegion(0x1000, 0x1000))))
        .hasMessageContaining("expected: no overlap");
  }
}
