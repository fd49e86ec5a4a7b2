package dev.updraft.vmm.snapshot;

import dev.updraft.vmm.state.StateFormatException;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The state file (docs/vmm/snapshots.md): a 24-byte header (the magic {@code UDVMSNAP}, the format
 * version as three little-endian 16-bit numbers and a zero pad, the state's length as a 64-bit
 * number), the state ({@link MicrovmState} as {@link StateWriter} writes it) and a CRC-32C of
 * everything before it. A reader checks, in this order, the size, the magic, the length, the
 * checksum and the version, before it decodes anything, so each kind of damage has its own message.
 */
public final class SnapshotFile {
  static final byte[] MAGIC = "UDVMSNAP".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_BYTES = 24;
  static final int TRAILER_BYTES = 4;

  /** Far above a real state file (tens of KiB per vCPU): a larger file is not one. */
  static final long MAX_BYTES = 64L << 20;

  private static volatile Decoded lastRead;

  private SnapshotFile() {}

  /** The file's bytes for {@code state}, in the current version. */
  public static byte[] encode(MicrovmState state) {
    StateWriter payload = new StateWriter();
    state.write(payload);
    byte[] body = payload.toByteArray();
    ByteBuffer file =
        ByteBuffer.allocate(HEADER_BYTES + body.length + TRAILER_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
    SnapshotVersion version = SnapshotVersion.CURRENT;
    file.put(MAGIC)
        .putShort((short) version.major())
        .putShort((short) version.minor())
        .putShort((short) version.patch())
        .putShort((short) 0)
        .putLong(body.length)
        .put(body);
    CRC32C crc = new CRC32C();
    crc.update(file.array(), 0, file.position());
    file.putInt((int) crc.getValue());
    return file.array();
  }

  /** Writes {@code state} to {@code path} (created or truncated) and syncs it. */
  public static void write(Path path, MicrovmState state) {
    byte[] bytes = encode(state);
    try (FileChannel file =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        file.write(buffer);
      }
      file.force(true);
    } catch (IOException e) {
      throw new SnapshotException("snapshot_path: " + path + ": cannot write: " + e, e);
    }
  }

  /**
   * Reads, checks and decodes the state file at {@code path}. A file with the same bytes as the
   * last one read (a process restoring one snapshot many times, as serve's users do) is not checked
   * and decoded again: the last result is returned, which is the same, as the bytes are.
   */
  public static MicrovmState read(Path path) {
    byte[] bytes = readBytes(path);
    Decoded last = lastRead;
    if (last != null && Arrays.equals(last.bytes, bytes)) {
      return last.state;
    }
    MicrovmState state = decode(bytes, "snapshot_path: " + path);
    lastRead = new Decoded(bytes, state);
    return state;
  }

  // The last file read and its state; the state is immutable (records of copied lists, cloned
  // blobs), so restores share it.
  private static final class Decoded {
    private final byte[] bytes;
    private final MicrovmState state;

    private Decoded(byte[] bytes, MicrovmState state) {
      this.bytes = bytes;
      this.state = state;
    }
  }

  /** The version {@code path} was written with, once its checksum is right. */
  public static SnapshotVersion describe(Path path) {
    byte[] bytes = readBytes(path);
    return checked(bytes, path.toString());
  }

  /** {@link #read} of bytes already in memory; {@code what} starts every message. */
  public static MicrovmState decode(byte[] bytes, String what) {
    SnapshotVersion version = checked(bytes, what);
    if (!SnapshotVersion.CURRENT.reads(version)) {
      throw new SnapshotException(
          what
              + ": snapshot format "
              + version
              + " (expected: "
              + SnapshotVersion.CURRENT
              + " or an older minor version of it: this VMM writes "
              + SnapshotVersion.CURRENT
              + ")");
    }
    byte[] payload = Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length - TRAILER_BYTES);
    StateReader reader = new StateReader(payload, "");
    try {
      MicrovmState state = MicrovmState.read(reader);
      if (!reader.atEnd()) {
        throw reader.failure("bytes left over after the state");
      }
      return state;
    } catch (StateFormatException | IllegalArgumentException e) {
      // Sections name where a value was refused; MicrovmState's own checks name their field.
      throw new SnapshotException(what + ": the state does not decode: " + e.getMessage(), e);
    }
  }

  /** Checks size, magic, length and checksum; returns the version the header gives. */
  private static SnapshotVersion checked(byte[] bytes, String what) {
    if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
      throw new SnapshotException(
          what
              + ": truncated: "
              + bytes.length
              + " bytes (expected: at least "
              + (HEADER_BYTES + TRAILER_BYTES)
              + " for a header and a checksum)");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new SnapshotException(
          what + ": not an updraft snapshot state file (its first 8 bytes are not \"UDVMSNAP\")");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long length = header.getLong(16);
    long expected = HEADER_BYTES + length + TRAILER_BYTES;
    if (length < 0 || expected != bytes.length) {
      throw new SnapshotException(
          what
              + (length >= 0 && expected > bytes.length ? ": truncated: " : ": wrong size: ")
              + bytes.length
              + " bytes (expected: "
              + (length < 0 ? "a sane length in the header" : expected + ", as its header says")
              + ")");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - TRAILER_BYTES);
    int stored = header.getInt(bytes.length - TRAILER_BYTES);
    if ((int) crc.getValue() != stored) {
      throw new SnapshotException(
          what
              + ": damaged: its CRC-32C is 0x"
              + Integer.toHexString((int) crc.getValue())
              + " (expected: 0x"
              + Integer.toHexString(stored)
              + ", as stored in the file)");
    }
    return new SnapshotVersion(
        Short.toUnsignedInt(header.getShort(8)),
        Short.toUnsignedInt(header.getShort(10)),
        Short.toUnsignedInt(header.getShort(12)));
  }

  private static byte[] readBytes(Path path) {
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        throw new SnapshotException(
            "snapshot_path: "
                + path
                + ": "
                + size
                + " bytes (expected: at most "
                + MAX_BYTES
                + " for a state file; is it the memory file?)");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new SnapshotException("snapshot_path: " + path + ": no such file", e);
    } catch (IOException e) {
      throw new SnapshotException("snapshot_path: " + path + ": cannot read: " + e, e);
    }
  }
}
