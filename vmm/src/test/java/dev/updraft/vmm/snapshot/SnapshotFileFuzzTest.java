package dev.updraft.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Arbitrary snapshot state files: either a state comes out that encodes back to the same bytes, or
 * a {@link SnapshotException} with a one-line message, never another exception and never a buffer
 * sized by a hostile length. An input starting with an even byte is taken as it is (header checks);
 * with an odd one, the rest is a payload wrapped in a valid header and checksum, so that the fuzzer
 * reaches the state decoder behind them.
 */
class SnapshotFileFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void decode(byte[] data) {
    byte[] file =
        data.length > 0 && (data[0] & 1) == 1
            ? wrapped(Arrays.copyOfRange(data, 1, data.length))
            : data;
    MicrovmState state;
    try {
      state = SnapshotFile.decode(file, "snapshot_path: fuzz");
    } catch (SnapshotException e) {
      assertThat(e.getMessage())
          .startsWith("snapshot_path: fuzz")
          .doesNotContain("\n")
          .doesNotContain("\r");
      return;
    }
    byte[] encoded = SnapshotFile.encode(state);
    assertThat(SnapshotFile.encode(SnapshotFile.decode(encoded, "re-encoded"))).isEqualTo(encoded);
  }

  /** {@code payload} behind the current version's header and before its CRC-32C. */
  static byte[] wrapped(byte[] payload) {
    ByteBuffer file =
        ByteBuffer.allocate(SnapshotFile.HEADER_BYTES + payload.length + SnapshotFile.TRAILER_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
    SnapshotVersion version = SnapshotVersion.CURRENT;
    file.put(SnapshotFile.MAGIC)
        .putShort((short) version.major())
        .putShort((short) version.minor())
        .putShort((short) version.patch())
        .putShort((short) 0)
        .putLong(payload.length)
        .put(payload);
    CRC32C crc = new CRC32C();
    crc.update(file.array(), 0, file.position());
    file.putInt((int) crc.getValue());
    return file.array();
  }
}
