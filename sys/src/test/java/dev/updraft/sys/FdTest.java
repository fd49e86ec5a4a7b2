package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdTest {
  private static final Ioctl FIONREAD = Ioctl.raw("FIONREAD", 0x541B);

  @TempDir Path dir;

  @Test
  void writesReadsAndPositionsLikeTheKernel() throws Exception {
    Path file = dir.resolve("data");
    try (Fd fd = Fd.open(file, OpenFlags.O_RDWR | OpenFlags.O_CREAT, 0600)) {
      assertThat(fd.write(ByteBuffer.wrap("hello world".getBytes(StandardCharsets.US_ASCII))))
          .isEqualTo(11);
      ByteBuffer direct = ByteBuffer.allocateDirect(5).put("HELLO".getBytes());
      direct.flip();
      assertThat(fd.pwrite(direct, 0)).isEqualTo(5);
      assertThat(direct.remaining()).isZero();

      ByteBuffer back = ByteBuffer.allocate(5);
      assertThat(fd.pread(back, 6)).isEqualTo(5);
      assertThat(new String(back.array(), StandardCharsets.US_ASCII)).isEqualTo("world");
      // The file position is still at the end after pwrite/pread: plain read sees EOF.
      assertThat(fd.read(ByteBuffer.allocate(4))).isZero();
      fd.fsync();
      fd.fdatasync();
    }
    assertThat(Files.readString(file)).isEqualTo("HELLO world");
  }

  @Test
  void readFillsDirectBufferAtItsPosition() {
    Path file = dir.resolve("in");
    try (Fd out = Fd.open(file, OpenFlags.O_WRONLY | OpenFlags.O_CREAT, 0600)) {
      out.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    }
    try (Fd in = Fd.open(file, OpenFlags.O_RDONLY)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(8);
      buffer.position(2);
      assertThat(in.read(buffer)).isEqualTo(4);
      assertThat(buffer.position()).isEqualTo(6);
      assertThat(buffer.get(2)).isEqualTo((byte) 1);
      assertThat(buffer.get(5)).isEqualTo((byte) 4);
    }
  }

  @Test
  void ioctlPassesPointerAndReportsUnsupportedRequests() throws Exception {
    Path file = dir.resolve("sized");
    Files.write(file, new byte[1234]);
    try (Fd fd = Fd.open(file, OpenFlags.O_RDONLY);
        Arena arena = Arena.ofConfined()) {
      MemorySegment available = arena.allocate(ValueLayout.JAVA_INT);
      fd.ioctl(FIONREAD, available);
      assertThat(available.get(ValueLayout.JAVA_INT, 0)).isEqualTo(1234);
    }
    try (EventFd event = EventFd.create()) {
      assertThatThrownBy(() -> event.fd().ioctl(Ioctl.io("BOGUS", 0xAE, 0xFF), 0))
          .isInstanceOfSatisfying(
              ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTTY));
    }
  }

  @Test
  void memfdIsSizedByTruncate() {
    try (Fd memfd = Fd.memfd("guest-ram", 0)) {
      memfd.truncate(8192);
      ByteBuffer page = ByteBuffer.allocate(4096);
      assertThat(memfd.pread(page, 4096)).isEqualTo(4096);
      assertThat(memfd.pread(ByteBuffer.allocate(1), 8192)).isZero();
      assertThat(memfd.what()).isEqualTo("memfd:guest-ram");
    }
  }

  @Test
  void closeIsIdempotentAndLaterUseFailsCleanly() {
    Fd fd = Fd.memfd("closing", 0);
    fd.close();
    fd.close();
    assertThat(fd.isOpen()).isFalse();
    assertThat(fd.value()).isEqualTo(-1);
    assertThatThrownBy(() -> fd.read(ByteBuffer.allocate(1)))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
  }

  @Test
  void rejectsBadArgumentsBeforeTheKernelSeesThem() {
    try (Fd fd = Fd.memfd("args", 0)) {
      assertThatThrownBy(() -> fd.pread(ByteBuffer.allocate(1), -1))
          .hasMessage("offset: -1 (expected: >= 0)");
      assertThatThrownBy(() -> fd.read(ByteBuffer.allocate(1).asReadOnlyBuffer()))
          .hasMessageContaining("read-only");
    }
    assertThatThrownBy(() -> Fd.adopt(-3, "x")).hasMessage("fd: -3 (expected: >= 0)");
  }

  @Test
  void seeksFindTheDataAndHolesOfASparseFile() throws Exception {
    Path sparse = dir.resolve("sparse");
    long page = 4096;
    try (Fd fd = Fd.open(sparse, OpenFlags.O_RDWR | OpenFlags.O_CREAT, 0600)) {
      fd.truncate(64 * page);
      fd.pwrite(ByteBuffer.wrap(new byte[(int) page]), 8 * page); // zeros, yet data
      fd.pwrite(ByteBuffer.wrap(new byte[] {1}), 40 * page);
      long data = fd.seekData(0);
      if (data == 0) {
        return; // a file system without holes (SEEK_DATA says: all data): nothing to check
      }
      assertThat(data).isEqualTo(8 * page);
      assertThat(fd.seekHole(data)).isEqualTo(9 * page);
      assertThat(fd.seekData(9 * page)).isEqualTo(40 * page);
      assertThat(fd.seekHole(40 * page)).isEqualTo(41 * page);
      assertThat(fd.seekData(41 * page)).isEqualTo(-1);
      assertThat(fd.seekHole(41 * page)).as("already in a hole").isEqualTo(41 * page);
    }
  }

  @Test
  void aPunchedHoleReadsAsZerosAndKeepsTheSize() {
    Path file = dir.resolve("spool");
    try (Fd fd = Fd.open(file, OpenFlags.O_RDWR | OpenFlags.O_CREAT, 0600)) {
      byte[] ones = new byte[3 * 4096];
      java.util.Arrays.fill(ones, (byte) 1);
      fd.pwrite(ByteBuffer.wrap(ones), 0);
      fd.punchHole(0, 4096);
      ByteBuffer back = ByteBuffer.allocate(ones.length);
      fd.pread(back, 0);
      assertThat(back.get(0)).isZero();
      assertThat(back.get(4095)).isZero();
      assertThat(back.get(4096)).isEqualTo((byte) 1);
    }
    assertThat(file.toFile().length()).isEqualTo(3 * 4096);
  }
}
