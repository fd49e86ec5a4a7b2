package dev.updraft.vmm.dumbo;

/**
 * An IPv4 address, written in dotted decimal. Parsed by hand: {@code InetAddress} would look a name
 * up in DNS.
 *
 * @param value the address, first octet most significant
 */
public record Ipv4Address(int value) {
  /**
   * Parses four decimal octets separated by dots.
   *
   * @throws IllegalArgumentException naming {@code field} if {@code text} is not one
   */
  public static Ipv4Address parse(String field, String text) {
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      throw invalid(field, text);
    }
    int value = 0;
    for (String octet : octets) {
      if (octet.isEmpty()
          || octet.length() > 3
          || !octet.chars().allMatch(Character::isDigit)
          || (octet.length() > 1 && octet.charAt(0) == '0')) {
        throw invalid(field, text);
      }
      int n = Integer.parseInt(octet);
      if (n > 255) {
        throw invalid(field, text);
      }
      value = value << 8 | n;
    }
    return new Ipv4Address(value);
  }

  /** The octet at {@code index} (0 is the first). */
  public int octet(int index) {
    return (value >>> (8 * (3 - index))) & 0xFF;
  }

  @Override
  public String toString() {
    return octet(0) + "." + octet(1) + "." + octet(2) + "." + octet(3);
  }

  private static IllegalArgumentException invalid(String field, String text) {
    return new IllegalArgumentException(
        field + ": \"" + text + "\" (expected: an IPv4 address like 169.254.169.254)");
  }
}
