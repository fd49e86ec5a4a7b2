package dev.updraft.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A bzImage's {@code struct setup_header}, the bytes from offset 0x1F1 of the image. The loader
 * copies it into the zero page before filling in its own fields, as the boot protocol asks.
 *
 * @param bytes the header, at most {@code sizeof(struct setup_header)} bytes
 */
public record SetupHeader(byte[] bytes) {
  public SetupHeader {
    if (bytes.length < ZeroPageLayout.HDR_MIN_SIZE || bytes.length > ZeroPageLayout.HDR_SIZE) {
      throw new IllegalArgumentException(
          "setup header length: "
              + bytes.length
              + " (expected: "
              + ZeroPageLayout.HDR_MIN_SIZE
              + ".."
              + ZeroPageLayout.HDR_SIZE
              + ")");
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int version() {
    return Short.toUnsignedInt(view().getShort(ZeroPageLayout.VERSION - ZeroPageLayout.HDR));
  }

  public int loadflags() {
    return Byte.toUnsignedInt(bytes[ZeroPageLayout.LOADFLAGS - ZeroPageLayout.HDR]);
  }

  public int xloadflags() {
    return Short.toUnsignedInt(view().getShort(ZeroPageLayout.XLOADFLAGS - ZeroPageLayout.HDR));
  }

  /** Highest address the initrd may occupy. */
  public long initrdAddrMax() {
    return Integer.toUnsignedLong(
        view().getInt(ZeroPageLayout.INITRD_ADDR_MAX - ZeroPageLayout.HDR));
  }

  /** Bytes the kernel needs from its load address while it decompresses and starts. */
  public long initSize() {
    return Integer.toUnsignedLong(view().getInt(ZeroPageLayout.INIT_SIZE - ZeroPageLayout.HDR));
  }

  private ByteBuffer view() {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SetupHeader that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SetupHeader[version=0x"
        + Integer.toHexString(version())
        + ", "
        + bytes.length
        + " bytes]";
  }
}
