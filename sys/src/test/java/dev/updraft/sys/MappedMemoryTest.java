package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class MappedMemoryTest {
  private static final int PAGE = 4096;

  @Test
  void anonymousMemoryIsZeroedLittleEndianAndBoundsChecked() {
    try (MappedMemory memory = MappedMemory.anonymous(2 * PAGE)) {
      assertThat(memory.size()).isEqualTo(2 * PAGE);
      assertThat(memory.address()).isNotZero();
      assertThat(memory.getLong(PAGE)).isZero();

      memory.putInt(10, 0x11223344);
      assertThat(memory.getByte(10)).isEqualTo((byte) 0x44);
      assertThat(memory.getShort(12)).isEqualTo((short) 0x1122);
      memory.putLong(3, -2L); // unaligned on purpose: guest structures often are
      assertThat(memory.getLong(3)).isEqualTo(-2L);

      byte[] text = "guest".getBytes();
      memory.write(100, text, 0, text.length);
      byte[] back = new byte[5];
      memory.read(100, back, 0, 5);
      assertThat(back).isEqualTo(text);

      assertThatThrownBy(() -> memory.getInt(2 * PAGE - 2))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> memory.putByte(-1, (byte) 0))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void orderedAccessesNeedAlignment() {
    try (MappedMemory memory = MappedMemory.anonymous(PAGE)) {
      memory.putShortRelease(64, (short) 7);
      assertThat(memory.getShortAcquire(64)).isEqualTo((short) 7);
      memory.putIntRelease(128, 9);
      assertThat(memory.getIntAcquire(128)).isEqualTo(9);
      assertThatThrownBy(() -> memory.getShortAcquire(65))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void sharedFileMappingIsVisibleThroughTheDescriptor() {
    try (Fd memfd = Fd.memfd("shared", 0)) {
      memfd.truncate(PAGE);
      try (MappedMemory memory =
          MappedMemory.map(
              memfd,
              0,
              PAGE,
              MappedMemory.PROT_READ | MappedMemory.PROT_WRITE,
              MappedMemory.MAP_SHARED)) {
        memory.putInt(256, 0xCAFEBABE);
        ByteBuffer readBack = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        memfd.pread(readBack, 256);
        assertThat(readBack.getInt(0)).isEqualTo(0xCAFEBABE);

        memfd.pwrite(ByteBuffer.wrap(new byte[] {42}), 1000);
        assertThat(memory.getByte(1000)).isEqualTo((byte) 42);
      }
    }
  }

  @Test
  void sliceIsAZeroCopyViewForFileIo() {
    try (MappedMemory memory = MappedMemory.anonymous(PAGE);
        Fd memfd = Fd.memfd("io", 0)) {
      memfd.pwrite(ByteBuffer.wrap(new byte[] {5, 6, 7}), 0);
      assertThat(memfd.pread(memory.slice(512, 3), 0)).isEqualTo(3);
      assertThat(memory.getByte(512)).isEqualTo((byte) 5);
      assertThat(memory.getByte(514)).isEqualTo((byte) 7);
      assertThat(memory.slice(0, 8).order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }
  }

  @Test
  void madviseDontNeedDropsPrivatePages() {
    try (MappedMemory memory = MappedMemory.anonymous(2 * PAGE)) {
      memory.putLong(PAGE + 8, 99);
      memory.madvise(PAGE, PAGE, MappedMemory.MADV_DONTNEED);
      assertThat(memory.getLong(PAGE + 8)).isZero();
      assertThatThrownBy(() -> memory.madvise(1, PAGE, MappedMemory.MADV_DONTNEED))
          .isInstanceOfSatisfying(
              ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }
  }

  @Test
  void accessAfterCloseFailsInsteadOfTouchingUnmappedMemory() {
    MappedMemory memory = MappedMemory.anonymous(PAGE);
    memory.close();
    memory.close();
    assertThatThrownBy(() -> memory.getByte(0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsBadMappings() {
    assertThatThrownBy(() -> MappedMemory.anonymous(0)).hasMessage("size: 0 (expected: > 0)");
    try (Fd memfd = Fd.memfd("unaligned", 0)) {
      assertThatThrownBy(
              () ->
                  MappedMemory.map(
                      memfd, 100, PAGE, MappedMemory.PROT_READ, MappedMemory.MAP_SHARED))
          .hasMessage("offset: 100 (expected: >= 0, page aligned)");
    }
  }

  @Test
  void residentPagesAreTheOnesTouched() {
    try (MappedMemory memory = MappedMemory.anonymous(16 * MappedMemory.PAGE_SIZE)) {
      memory.putByte(3L * MappedMemory.PAGE_SIZE + 7, (byte) 1);
      memory.putByte(9L * MappedMemory.PAGE_SIZE, (byte) 1);
      boolean[] resident = memory.resident(0, memory.size());
      assertThat(resident).hasSize(16);
      assertThat(resident[3]).isTrue();
      assertThat(resident[9]).isTrue();
      assertThat(resident[0]).isFalse();
      assertThat(resident[15]).isFalse();
      assertThatThrownBy(() -> memory.resident(1, 10)).hasMessageContaining("page aligned");
    }
  }
}
