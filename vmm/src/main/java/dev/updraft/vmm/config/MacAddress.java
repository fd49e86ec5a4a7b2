package dev.updraft.vmm.config;

import java.util.HexFormat;

/** A 48-bit Ethernet address, written {@code 06:00:ac:10:00:02}. */
public record MacAddress(long value) {
  public MacAddress {
    if ((value >>> 48) != 0) {
      throw ConfigException.of("guest_mac", Long.toHexString(value), "a 48-bit address");
    }
  }

  /**
   * Parses six colon-separated hexadecimal octets.
   *
   * @throws ConfigException naming {@code field} if {@code text} is not such an address
   */
  public static MacAddress parse(String field, String text) {
    String[] octets = text.split(":", -1);
    if (octets.length != 6) {
      throw invalid(field, text);
    }
    long value = 0;
    for (String octet : octets) {
      if (octet.length() != 2
          || !HexFormat.isHexDigit(octet.charAt(0))
          || !HexFormat.isHexDigit(octet.charAt(1))) {
        throw invalid(field, text);
      }
      value = (value << 8) | HexFormat.fromHexDigits(octet);
    }
    return new MacAddress(value);
  }

  /** The six octets, most significant first, e.g. for the virtio-net config space. */
  public byte[] octets() {
    byte[] bytes = new byte[6];
    for (int i = 0; i < 6; i++) {
      bytes[i] = (byte) (value >>> (40 - 8 * i));
    }
    return bytes;
  }

  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(octets());
  }

  private static ConfigException invalid(String field, String text) {
    return ConfigException.of(
        field, '"' + text + '"', "six hexadecimal octets like 06:00:ac:10:00:02");
  }
}
