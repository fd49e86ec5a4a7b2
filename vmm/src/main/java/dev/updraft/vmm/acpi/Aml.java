package dev.updraft.vmm.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small AML encoder (ACPI 6.5 §20): just the terms a microVM DSDT needs — names, integers,
 * strings, EISA ids, buffers, packages, scopes, devices, methods returning a value and resource
 * templates. Each method returns the encoded bytes, so terms nest by passing one into another.
 */
public final class Aml {
  // AML encodings handed to the table builders, which copy them and never write them.
  @SuppressWarnings("MutablePublicArray")
  public static final byte[] ZERO = {0x00};

  @SuppressWarnings("MutablePublicArray")
  public static final byte[] ONE = {0x01};

  @SuppressWarnings("MutablePublicArray")
  public static final byte[] ONES = {(byte) 0xFF};

  private static final int NAME_OP = 0x08;
  private static final int BYTE_PREFIX = 0x0A;
  private static final int WORD_PREFIX = 0x0B;
  private static final int DWORD_PREFIX = 0x0C;
  private static final int STRING_PREFIX = 0x0D;
  private static final int QWORD_PREFIX = 0x0E;
  private static final int SCOPE_OP = 0x10;
  private static final int BUFFER_OP = 0x11;
  private static final int PACKAGE_OP = 0x12;
  private static final int METHOD_OP = 0x14;
  private static final int DUAL_NAME_PREFIX = 0x2E;
  private static final int MULTI_NAME_PREFIX = 0x2F;
  private static final int EXT_OP_PREFIX = 0x5B;
  private static final int DEVICE_OP = 0x82;
  private static final int ROOT_CHAR = '\\';
  private static final int PARENT_PREFIX = '^';
  private static final int RETURN_OP = 0xA4;
  private static final byte[] END_TAG = {0x79, 0x00};

  /** The largest value a PkgLength can encode (28 bits). */
  static final int MAX_PKG_LENGTH = 0x0FFF_FFFF;

  private Aml() {}

  /** An integer in the shortest encoding; negative values are 64-bit two's complement. */
  public static byte[] integer(long value) {
    if (value == 0) {
      return ZERO.clone();
    }
    if (value == 1) {
      return ONE.clone();
    }
    if (value > 0 && value <= 0xFF) {
      return new byte[] {BYTE_PREFIX, (byte) value};
    }
    if (value > 0 && value <= 0xFFFF) {
      return concat(new byte[] {WORD_PREFIX}, littleEndian(value, 2));
    }
    if (value > 0 && value <= 0xFFFF_FFFFL) {
      return concat(new byte[] {DWORD_PREFIX}, littleEndian(value, 4));
    }
    return concat(new byte[] {QWORD_PREFIX}, littleEndian(value, 8));
  }

  /** A NUL-terminated ASCII string constant. */
  public static byte[] string(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x01 || c > 0x7F) {
        throw new IllegalArgumentException(
            "string: \"" + value + "\" (expected: ASCII without NUL)");
      }
    }
    return concat(
        new byte[] {STRING_PREFIX}, value.getBytes(StandardCharsets.US_ASCII), new byte[] {0});
  }

  /** A compressed EISA id such as {@code EISAID("PNP0501")}, a DWORD as ASL compilers emit it. */
  public static byte[] eisaId(String id) {
    if (!id.matches("[A-Z]{3}[0-9A-F]{4}")) {
      throw new IllegalArgumentException(
          "eisa id: \"" + id + "\" (expected: three capitals and four hex digits)");
    }
    int vendor =
        ((id.charAt(0) - 0x40) << 10) | ((id.charAt(1) - 0x40) << 5) | (id.charAt(2) - 0x40);
    int product = Integer.parseInt(id.substring(3), 16);
    // Both halves are stored big-endian inside the little-endian DWORD.
    return new byte[] {
      DWORD_PREFIX, (byte) (vendor >> 8), (byte) vendor, (byte) (product >> 8), (byte) product
    };
  }

  /** {@code Buffer() { data }}. */
  public static byte[] buffer(byte[] data) {
    return withPkgLength(BUFFER_OP, concat(integer(data.length), data));
  }

  /** {@code Package() { elements }} of data objects. */
  public static byte[] pkg(byte[]... elements) {
    if (elements.length > 0xFF) {
      throw new IllegalArgumentException(
          "package elements: " + elements.length + " (expected: at most 255)");
    }
    return withPkgLength(PACKAGE_OP, concat(new byte[] {(byte) elements.length}, concat(elements)));
  }

  /** {@code Name(path, value)}. */
  public static byte[] name(String path, byte[] value) {
    return concat(new byte[] {NAME_OP}, nameString(path), value);
  }

  /** {@code Scope(path) { terms }}. */
  public static byte[] scope(String path, byte[]... terms) {
    return withPkgLength(SCOPE_OP, concat(nameString(path), concat(terms)));
  }

  /** {@code Device(path) { terms }}. */
  public static byte[] device(String path, byte[]... terms) {
    byte[] body = withPkgLength(DEVICE_OP, concat(nameString(path), concat(terms)));
    return concat(new byte[] {EXT_OP_PREFIX}, body);
  }

  /** {@code Method(name, argCount, Serialized|NotSerialized) { terms }}, sync level 0. */
  public static byte[] method(String name, int argCount, boolean serialized, byte[]... terms) {
    if (argCount < 0 || argCount > 7) {
      throw new IllegalArgumentException("argCount: " + argCount + " (expected: 0..7)");
    }
    byte flags = (byte) (argCount | (serialized ? 0x08 : 0));
    return withPkgLength(METHOD_OP, concat(nameString(name), new byte[] {flags}, concat(terms)));
  }

  /** {@code Return(value)}. */
  public static byte[] returnValue(byte[] value) {
    return concat(new byte[] {(byte) RETURN_OP}, value);
  }

  /** {@code ResourceTemplate() { descriptors }}: a buffer closed by an end tag. */
  public static byte[] resourceTemplate(byte[]... descriptors) {
    return buffer(concat(concat(descriptors), END_TAG));
  }

  /**
   * A NameString: optional root ({@code \}) or parent ({@code ^}) prefixes, then dot-separated
   * segments of up to four characters, padded with underscores.
   */
  static byte[] nameString(String path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    if (path.startsWith("\\")) {
      out.write(ROOT_CHAR);
      i = 1;
    } else {
      while (i < path.length() && path.charAt(i) == '^') {
        out.write(PARENT_PREFIX);
        i++;
      }
    }
    String rest = path.substring(i);
    if (rest.isEmpty()) {
      out.write(0); // NullName: the prefix alone names a scope.
      return out.toByteArray();
    }
    String[] segments = rest.split("\\.", -1);
    if (segments.length == 2) {
      out.write(DUAL_NAME_PREFIX);
    } else if (segments.length > 2) {
      if (segments.length > 0xFF) {
        throw new IllegalArgumentException("name: \"" + path + "\" (expected: <= 255 segments)");
      }
      out.write(MULTI_NAME_PREFIX);
      out.write(segments.length);
    }
    for (String segment : segments) {
      out.writeBytes(nameSegment(segment, path));
    }
    return out.toByteArray();
  }

  private static byte[] nameSegment(String segment, String path) {
    if (!segment.matches("[A-Z_][A-Z0-9_]{0,3}")) {
      throw new IllegalArgumentException(
          "name: \""
              + path
              + "\" (expected: segments of 1-4 of A-Z, 0-9, _, not starting with a digit)");
    }
    String padded = (segment + "___").substring(0, 4);
    return padded.getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code op PkgLength body}: the length counts itself and the body, not the opcode. */
  static byte[] withPkgLength(int op, byte[] body) {
    return concat(new byte[] {(byte) op}, pkgLength(body.length), body);
  }

  static byte[] pkgLength(int bodyLength) {
    if (bodyLength + 1 <= 0x3F) {
      return new byte[] {(byte) (bodyLength + 1)};
    }
    for (int extra = 1; extra <= 3; extra++) {
      int total = bodyLength + 1 + extra;
      if (total < (1 << (4 + 8 * extra))) {
        byte[] encoded = new byte[1 + extra];
        encoded[0] = (byte) ((extra << 6) | (total & 0x0F));
        for (int b = 1; b <= extra; b++) {
          encoded[b] = (byte) (total >>> (4 + 8 * (b - 1)));
        }
        return encoded;
      }
    }
    throw new IllegalArgumentException(
        "package length: " + bodyLength + " (expected: at most " + (MAX_PKG_LENGTH - 4) + ")");
  }

  static byte[] littleEndian(long value, int bytes) {
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      out[i] = (byte) (value >>> (8 * i));
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
