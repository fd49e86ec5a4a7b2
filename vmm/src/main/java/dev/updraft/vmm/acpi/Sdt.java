package dev.updraft.vmm.acpi;

import dev.updraft.vmm.arch.FirmwareChecksum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 36-byte header every ACPI system description table starts with, checksummed over the whole
 * table. The ids are Firecracker's, so guests that key on them (and people reading {@code dmesg})
 * see a Firecracker machine.
 */
final class Sdt {
  static final int HEADER_SIZE = 36;
  static final int CHECKSUM_OFFSET = 9;
  static final String OEM_ID = "FIRECK";
  static final int OEM_REVISION = 0;
  static final String CREATOR_ID = "FCAT";
  static final int CREATOR_REVISION = 0x2024_0119;

  private Sdt() {}

  /** A table: header for {@code signature} and {@code revision}, then {@code body}, summed. */
  static byte[] table(String signature, int revision, String oemTableId, byte[] body) {
    ByteBuffer table =
        ByteBuffer.allocate(HEADER_SIZE + body.length).order(ByteOrder.LITTLE_ENDIAN);
    table.put(ascii(signature, 4));
    table.putInt(HEADER_SIZE + body.length);
    table.put((byte) revision);
    table.put((byte) 0);
    table.put(ascii(OEM_ID, 6));
    table.put(ascii(oemTableId, 8));
    table.putInt(OEM_REVISION);
    table.put(ascii(CREATOR_ID, 4));
    table.putInt(CREATOR_REVISION);
    table.put(body);
    byte[] bytes = table.array();
    bytes[CHECKSUM_OFFSET] = FirmwareChecksum.of(bytes, 0, bytes.length);
    return bytes;
  }

  static byte[] ascii(String value, int length) {
    if (value.length() != length) {
      throw new IllegalArgumentException(
          "id: \"" + value + "\" (expected: " + length + " ASCII characters)");
    }
    return value.getBytes(StandardCharsets.US_ASCII);
  }
}
