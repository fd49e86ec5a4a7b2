package dev.updraft.vmm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MappedGuestMemoryTest {
  private static final long GIB = 1L << 30;

  @Test
  void regionsAroundAHoleReadAndWriteLittleEndian() {
    List<MemoryRegion> regions =
        List.of(new MemoryRegion(4 * GIB, 1 << 20), new MemoryRegion(0, 1 << 20));
    try (MappedGuestMemory m = MappedGuestMemory.anonymous(regions)) {
      assertThat(m.regions()).extracting(MemoryRegion::start).containsExactly(0L, 4 * GIB);
      m.writeLong(4 * GIB + 8, 0x0102_0304_0506_0708L);
      assertThat(m.readByte(4 * GIB + 8)).isEqualTo((byte) 8);
      assertThat(m.readInt(4 * GIB + 12)).isEqualTo(0x0102_0304);
      m.writeShortRelease(0x100, (short) 0xBEEF);
      assertThat(m.readShortAcquire(0x100)).isEqualTo((short) 0xBEEF);
      ByteBuffer view = m.slice(0x100, 2);
      assertThat(view.getShort(0)).isEqualTo((short) 0xBEEF);
      m.zero(0x100, 2);
      assertThat(m.readShort(0x100)).isZero();
      assertThat(m.hostAddress(0)).isNotZero();
    }
  }

  @Test
  void accessesOutsideOrAcrossRegionsAreRefused() {
    List<MemoryRegion> regions = List.of(new MemoryRegion(0, 4096), new MemoryRegion(4096, 4096));
    try (MappedGuestMemory m = MappedGuestMemory.anonymous(regions)) {
      assertThatThrownBy(() -> m.readInt(4094)).isInstanceOf(GuestMemoryException.class);
      assertThatThrownBy(() -> m.readByte(8192)).isInstanceOf(GuestMemoryException.class);
      assertThatThrownBy(() -> m.read(-1, new byte[4], 0, 4))
          .isInstanceOf(GuestMemoryException.class);
      assertThatThrownBy(() -> m.readShortAcquire(3)).isInstanceOf(GuestMemoryException.class);
    }
  }
}
