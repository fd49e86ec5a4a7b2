package dev.updraft.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotFileTest {
  @TempDir Path dir;

  @Test
  void aStateComesBackAsItWasWritten() throws Exception {
    MicrovmState state = Samples.state();
    Path file = dir.resolve("vm.state");
    SnapshotFile.write(file, state);
    assertThat(SnapshotFile.read(file)).isEqualTo(state);
    assertThat(SnapshotFile.describe(file)).hasToString("v1.3.0");
    byte[] bytes = Files.readAllBytes(file);
    assertThat(Arrays.copyOf(bytes, 8)).asString().isEqualTo("UDVMSNAP");
    assertThat(bytes.length).as("two vCPUs and six devices").isBetween(10_000, 20_000);
  }

  @Test
  void vsockAndMmdsComeBackAsTheyWereWritten() throws Exception {
    MicrovmState state = Samples.stateWithVsockAndMmds();
    Path file = dir.resolve("vsock.state");
    SnapshotFile.write(file, state);
    assertThat(SnapshotFile.read(file)).isEqualTo(state);
  }

  @Test
  void aFormat12FileWrittenBeforeVsockAndMmdsStillLoads() throws Exception {
    // Samples.state() as the VMM of format 1.2 wrote it: no vsock or MMDS in its configuration, no
    // pmem or virtio-mem device.
    Path file = dir.resolve("v1.2.0.state");
    try (var in = SnapshotFileTest.class.getResourceAsStream("v1.2.0-sample.state")) {
      Files.write(file, in.readAllBytes());
    }
    assertThat(SnapshotFile.describe(file)).hasToString("v1.2.0");
    MicrovmState state = SnapshotFile.read(file);
    assertThat(state).isEqualTo(Samples.stateBefore13());
    assertThat(state.config().vsock()).isNull();
    assertThat(state.config().mmds()).isNull();
  }

  @Test
  void aFileReadAgainWithTheSameBytesIsNotDecodedAgainButAChangedOneIs() throws Exception {
    Path file = dir.resolve("again.state");
    SnapshotFile.write(file, Samples.state());
    MicrovmState first = SnapshotFile.read(file);
    assertThat(SnapshotFile.read(file)).as("the last decode, reused").isSameAs(first);

    byte[] bytes = Files.readAllBytes(file);
    bytes[100] ^= 0x04;
    Files.write(file, bytes);
    assertThatThrownBy(() -> SnapshotFile.read(file))
        .as("changed bytes are checked again, whatever the file's name and times")
        .hasMessageStartingWith("snapshot_path: " + file + ": damaged: its CRC-32C is 0x");

    SnapshotFile.write(file, Samples.state());
    assertThat(SnapshotFile.read(file))
        .as("the first bytes again: what the damaged file did not replace is still the last decode")
        .isSameAs(first);
  }

  @Test
  void aNewerMinorOrAnotherMajorVersionIsRefusedAnOlderPatchTaken() {
    byte[] bytes = SnapshotFile.encode(Samples.state());
    assertThatThrownBy(() -> SnapshotFile.decode(withVersion(bytes, 1, 4, 0), "vm.state"))
        .isInstanceOf(SnapshotException.class)
        .hasMessage(
            "vm.state: snapshot format v1.4.0 (expected: v1.3.0 or an older minor version of it:"
                + " this VMM writes v1.3.0)");
    assertThatThrownBy(() -> SnapshotFile.decode(withVersion(bytes, 2, 0, 0), "vm.state"))
        .hasMessageContaining("snapshot format v2.0.0");
    assertThatThrownBy(() -> SnapshotFile.decode(withVersion(bytes, 0, 9, 0), "vm.state"))
        .hasMessageContaining("snapshot format v0.9.0");
    assertThat(SnapshotFile.decode(withVersion(bytes, 1, 3, 7), "vm.state"))
        .isEqualTo(Samples.state());
    // A 1.2 file (before pmem and virtio-mem) has the same layout without their entries.
    assertThat(SnapshotFile.decode(withVersion(bytes, 1, 2, 0), "vm.state"))
        .isEqualTo(Samples.state());
    // A 1.0 file (before the balloon) has the same layout without a balloon entry.
    assertThat(SnapshotFile.decode(withVersion(bytes, 1, 0, 0), "vm.state"))
        .isEqualTo(Samples.state());
  }

  @Test
  void aFileThatIsNotAStateFileSaysSo() {
    byte[] bytes = SnapshotFile.encode(Samples.state());
    bytes[3] ^= 0x20;
    assertThatThrownBy(() -> SnapshotFile.decode(bytes, "mem.file"))
        .hasMessage(
            "mem.file: not an updraft snapshot state file (its first 8 bytes are not"
                + " \"UDVMSNAP\")");
  }

  /** A single flipped bit anywhere after the magic: header, state or checksum. */
  @ParameterizedTest
  @ValueSource(ints = {9, 12, 24, 100, 5_000, -20, -5, -1})
  void aFlippedBitIsFoundByTheChecksum(int at) {
    byte[] bytes = SnapshotFile.encode(Samples.state());
    int index = at < 0 ? bytes.length + at : at;
    bytes[index] ^= 0x04;
    assertThatThrownBy(() -> SnapshotFile.decode(bytes, "vm.state"))
        .isInstanceOf(SnapshotException.class)
        .hasMessageStartingWith("vm.state: damaged: its CRC-32C is 0x");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 7, 27, 100, 5_000, -4, -1})
  void aTruncatedFileSaysHowLongItShouldBe(int keep) {
    byte[] bytes = SnapshotFile.encode(Samples.state());
    int length = keep < 0 ? bytes.length + keep : keep;
    byte[] cut = Arrays.copyOf(bytes, length);
    assertThatThrownBy(() -> SnapshotFile.decode(cut, "vm.state"))
        .isInstanceOf(SnapshotException.class)
        .hasMessageStartingWith("vm.state: truncated: " + length + " bytes (expected: ");
  }

  @Test
  void bytesAfterTheChecksumAreRefused() {
    byte[] bytes = SnapshotFile.encode(Samples.state());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> SnapshotFile.decode(longer, "vm.state"))
        .hasMessage(
            "vm.state: wrong size: "
                + longer.length
                + " bytes (expected: "
                + bytes.length
                + ", as its header says)");
  }

  @Test
  void aStateWithARightChecksumThatDoesNotDecodeNamesThePart() {
    byte[] bytes = SnapshotFile.encode(Samples.state());
    // The vCPU count in the configuration (the first field of its section) becomes 40.
    bytes[SnapshotFile.HEADER_BYTES + 4] = 40;
    assertThatThrownBy(() -> SnapshotFile.decode(withCrc(bytes), "vm.state"))
        .hasMessage(
            "vm.state: the state does not decode: configuration: vcpu_count: 40 (expected: 1 to"
                + " 32)");
  }

  @Test
  void aMissingOrOversizedFileIsNamed() throws Exception {
    assertThatThrownBy(() -> SnapshotFile.read(dir.resolve("nope")))
        .hasMessage("snapshot_path: " + dir.resolve("nope") + ": no such file");
    Path big = dir.resolve("mem");
    try (var file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(SnapshotFile.MAX_BYTES + 1);
    }
    assertThatThrownBy(() -> SnapshotFile.read(big))
        .hasMessageContaining("for a state file; is it the memory file?");
  }

  private static byte[] withVersion(byte[] original, int major, int minor, int patch) {
    byte[] bytes = original.clone();
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putShort(8, (short) major)
        .putShort(10, (short) minor)
        .putShort(12, (short) patch);
    return withCrc(bytes);
  }

  private static byte[] withCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }
}
