package dev.updraft.vmm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StateCodecTest {
  private record Pair(int left, String right) implements Encodable {
    Pair {
      if (left < 0) {
        throw new IllegalArgumentException("left: " + left + " (expected: >= 0)");
      }
    }

    @Override
    public void write(StateWriter out) {
      out.writeInt(left).writeString(right);
    }

    static Pair read(StateReader in) {
      return new Pair(in.readInt(), in.readString(16));
    }
  }

  @Test
  void everyKindOfValueComesBackAsWritten() {
    StateWriter out = new StateWriter();
    out.writeByte(0xAB)
        .writeBool(true)
        .writeShort(0xBEEF)
        .writeInt(-7)
        .writeLong(Long.MIN_VALUE + 3)
        .writeBlob(new Blob(new byte[] {1, 2, 3}))
        .writeString("héllo")
        .writeList(List.of(1, 2, 3), StateWriter::writeInt)
        .writeOptional(null, StateWriter::writeString)
        .writeOptional("x", StateWriter::writeString)
        .write(new Pair(5, "five"));
    StateReader in = new StateReader(out.toByteArray(), "test");
    assertThat(in.readByte()).isEqualTo(0xAB);
    assertThat(in.readBool()).isTrue();
    assertThat(in.readShort()).isEqualTo(0xBEEF);
    assertThat(in.readInt()).isEqualTo(-7);
    assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE + 3);
    assertThat(in.readBlob(8)).isEqualTo(new Blob(new byte[] {1, 2, 3}));
    assertThat(in.readString(16)).isEqualTo("héllo");
    assertThat(in.readList(8, StateReader::readInt)).containsExactly(1, 2, 3);
    assertThat(in.<String>readOptional(r -> r.readString(4))).isNull();
    assertThat(in.<String>readOptional(r -> r.readString(4))).isEqualTo("x");
    assertThat(in.section("pair", Pair::read)).isEqualTo(new Pair(5, "five"));
    assertThat(in.atEnd()).isTrue();
  }

  @Test
  void aValueCutShortNamesWhereItWasExpected() {
    byte[] bytes = new StateWriter().write(new Pair(1, "one")).toByteArray();
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 2);
    assertThatThrownBy(() -> new StateReader(cut, "devices").section("pair", Pair::read))
        .isInstanceOf(StateFormatException.class)
        .hasMessageStartingWith("devices: ends after");
    byte[] body = java.util.Arrays.copyOfRange(bytes, 4, bytes.length - 1);
    assertThatThrownBy(() -> Pair.read(new StateReader(body, "devices: pair")))
        .hasMessage("devices: pair: ends after 2 bytes where 3 bytes should follow");
  }

  @Test
  void valuesTheReaderCannotTakeAreRefusedByName() {
    assertThatThrownBy(() -> new StateReader(new byte[] {2}, "serial").readBool())
        .hasMessage("serial: boolean byte 2 (expected: 0 or 1)");
    byte[] tooLong = new StateWriter().writeBytes(new byte[20]).toByteArray();
    assertThatThrownBy(() -> new StateReader(tooLong, "lapic").readBytes(16))
        .hasMessage("lapic: 20 bytes (expected: at most 16)");
    byte[] badUtf8 = new StateWriter().writeBytes(new byte[] {(byte) 0xC3}).toByteArray();
    assertThatThrownBy(() -> new StateReader(badUtf8, "id").readString(8))
        .hasMessage("id: a string that is not UTF-8");
  }

  @Test
  void aRecordThatRefusesItsValuesIsNamedWithItsSection() {
    byte[] bytes = new StateWriter().write(new Pair(0, "x")).toByteArray();
    java.util.Arrays.fill(bytes, 4, 8, (byte) 0xFF); // left = -1
    byte[] negative = bytes;
    assertThatThrownBy(() -> new StateReader(negative, "vm").section("pair", Pair::read))
        .isInstanceOf(StateFormatException.class)
        .hasMessage("vm: pair: left: -1 (expected: >= 0)");
  }

  @Test
  void bytesLeftInASectionAreAnError() {
    StateWriter out = new StateWriter().section(w -> w.writeInt(1).writeInt(2));
    assertThatThrownBy(
            () -> new StateReader(out.toByteArray(), "").section("vcpu 0", StateReader::readInt))
        .hasMessage("vcpu 0: 4 bytes left over (a newer layout?)");
  }

  @Test
  void blobsAreValuesAndCopies() {
    byte[] raw = {1, 2};
    Blob blob = new Blob(raw);
    raw[0] = 9;
    assertThat(blob.bytes()).containsExactly(1, 2);
    blob.bytes()[1] = 9;
    assertThat(blob)
        .isEqualTo(new Blob(new byte[] {1, 2}))
        .hasSameHashCodeAs(new Blob(new byte[] {1, 2}));
    assertThat(blob.toString()).isEqualTo("Blob[2 bytes: 0102]");
  }
}
