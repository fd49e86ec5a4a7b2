package dev.updraft.mesh.conformance;

import java.io.ByteArrayOutputStream;

/**
 * HTTP/2 frames as raw bytes (RFC 9113 §4, §6), with header blocks in HPACK's literal form without
 * indexing or Huffman coding (RFC 7541 §6.2.2). Cases need header blocks that a well-behaved
 * encoder refuses to produce (uppercase names, repeated or late pseudo-headers, CR and LF in
 * values), so they are written out here byte by byte rather than through an encoder that validates.
 */
final class H2Wire {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;

  private H2Wire() {}

  /** The client preface with an empty SETTINGS frame. */
  static byte[] preface() {
    return concat(
        Wire.bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), frame(SETTINGS, 0, 0, new byte[0]));
  }

  /** A HEADERS frame carrying {@code nameValues} in this exact order. */
  static byte[] headers(int stream, boolean endStream, String... nameValues) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (int i = 0; i < nameValues.length; i += 2) {
      block.write(0x00);
      literal(block, nameValues[i]);
      literal(block, nameValues[i + 1]);
    }
    return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block.toByteArray());
  }

  /** A valid body-less GET of {@code path}. */
  static byte[] get(int stream, String path) {
    return headers(
        stream, true, ":method", "GET", ":scheme", "http", ":authority", "c", ":path", path);
  }

  static byte[] data(int stream, boolean endStream, String payload) {
    return frame(DATA, endStream ? END_STREAM : 0, stream, Wire.bytes(payload));
  }

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] out = new byte[9 + payload.length];
    out[0] = (byte) (payload.length >>> 16);
    out[1] = (byte) (payload.length >>> 8);
    out[2] = (byte) payload.length;
    out[3] = (byte) type;
    out[4] = (byte) flags;
    out[5] = (byte) (stream >>> 24 & 0x7f);
    out[6] = (byte) (stream >>> 16);
    out[7] = (byte) (stream >>> 8);
    out[8] = (byte) stream;
    System.arraycopy(payload, 0, out, 9, payload.length);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** An HPACK string literal: length with a 7-bit prefix (Huffman bit clear), then the octets. */
  private static void literal(ByteArrayOutputStream out, String s) {
    byte[] bytes = Wire.bytes(s);
    int n = bytes.length;
    if (n < 127) {
      out.write(n);
    } else {
      out.write(127);
      n -= 127;
      while (n >= 128) {
        out.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.write(n);
    }
    out.writeBytes(bytes);
  }
}
