package dev.updraft.vmm.virtio.net;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A 48-bit Ethernet address, written {@code 06:00:ac:10:00:02} as Firecracker's guest_mac is. The
 * API's {@code NetworkInterface} holds this type too: a device-level value the configuration uses.
 *
 * @param value the address in the low 48 bits, first octet most significant
 */
public record MacAddress(long value) {
  private static final Pattern TEXT = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");

  public MacAddress {
    if ((value & 0xFFFF_0000_0000_0000L) != 0) {
      throw new IllegalArgumentException(
          "mac: 0x" + Long.toHexString(value) + " (expected: 48 bits)");
    }
  }

  /**
   * Parses six colon-separated hexadecimal octets, in either case.
   *
   * @throws IllegalArgumentException naming {@code guest_mac}, the field this text comes from
   */
  public static MacAddress parse(String text) {
    if (text == null || !TEXT.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "guest_mac: \"" + text + "\" (expected: six hexadecimal octets like 06:00:ac:10:00:02)");
    }
    return of(HexFormat.ofDelimiter(":").parseHex(text));
  }

  /** The address in {@code octets}, which must hold exactly six bytes. */
  public static MacAddress of(byte[] octets) {
    if (octets.length != 6) {
      throw new IllegalArgumentException("mac: " + octets.length + " bytes (expected: 6)");
    }
    long value = 0;
    for (byte b : octets) {
      value = value << 8 | (b & 0xFF);
    }
    return new MacAddress(value);
  }

  /** The six octets in wire order, e.g. for the virtio-net config space. */
  public byte[] octets() {
    byte[] octets = new byte[6];
    for (int i = 0; i < 6; i++) {
      octets[i] = (byte) (value >>> (8 * (5 - i)));
    }
    return octets;
  }

  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(octets());
  }
}
