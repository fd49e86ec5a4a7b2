package dev.updraft.mesh.detect;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the server name (SNI) from a TLS ClientHello in the first record, without consuming it. A
 * ClientHello split over several records is still TLS, with an unknown name.
 */
final class TlsClientHello {
  private static final int RECORD_HEADER = 5;
  private static final int MAX_RECORD = 16384 + 2048;
  private static final int HANDSHAKE_CLIENT_HELLO = 1;
  private static final int EXTENSION_SERVER_NAME = 0;

  private TlsClientHello() {}

  static Detection detect(ByteBuf in) {
    int start = in.readerIndex();
    int available = in.readableBytes();
    if (available < RECORD_HEADER) {
      return Detection.NEED_MORE;
    }
    int major = in.getUnsignedByte(start + 1);
    int recordLength = in.getUnsignedShort(start + 3);
    if (major != 3 || recordLength == 0 || recordLength > MAX_RECORD) {
      return Detection.OPAQUE;
    }
    if (available < RECORD_HEADER + 4) {
      return Detection.NEED_MORE;
    }
    if (in.getUnsignedByte(start + RECORD_HEADER) != HANDSHAKE_CLIENT_HELLO) {
      return Detection.OPAQUE;
    }
    int recordEnd = start + RECORD_HEADER + recordLength;
    if (in.writerIndex() < recordEnd) {
      return recordEnd - start > ProtocolDetector.MAX_PEEK
          ? new Detection.Tls(null)
          : Detection.NEED_MORE;
    }
    int helloLength = in.getUnsignedMedium(start + RECORD_HEADER + 1);
    int helloStart = start + RECORD_HEADER + 4;
    // A hello longer than its record continues in the next record: TLS, name unknown.
    int helloEnd = Math.min(recordEnd, helloStart + helloLength);
    return new Detection.Tls(serverName(in, helloStart, helloEnd));
  }

  private static String serverName(ByteBuf in, int pos, int end) {
    pos += 2 + 32; // client_version, random
    if (pos >= end) {
      return null;
    }
    pos += 1 + in.getUnsignedByte(pos); // session_id
    if (pos + 2 > end) {
      return null;
    }
    pos += 2 + in.getUnsignedShort(pos); // cipher_suites
    if (pos + 1 > end) {
      return null;
    }
    pos += 1 + in.getUnsignedByte(pos); // compression_methods
    if (pos + 2 > end) {
      return null;
    }
    int extensionsEnd = Math.min(end, pos + 2 + in.getUnsignedShort(pos));
    pos += 2;
    while (pos + 4 <= extensionsEnd) {
      int type = in.getUnsignedShort(pos);
      int length = in.getUnsignedShort(pos + 2);
      pos += 4;
      if (pos + length > extensionsEnd) {
        return null;
      }
      if (type == EXTENSION_SERVER_NAME) {
        return hostName(in, pos, pos + length);
      }
      pos += length;
    }
    return null;
  }

  private static String hostName(ByteBuf in, int pos, int end) {
    if (pos + 2 > end) {
      return null;
    }
    int listEnd = Math.min(end, pos + 2 + in.getUnsignedShort(pos));
    pos += 2;
    while (pos + 3 <= listEnd) {
      int nameType = in.getUnsignedByte(pos);
      int length = in.getUnsignedShort(pos + 1);
      pos += 3;
      if (pos + length > listEnd) {
        return null;
      }
      if (nameType == 0 && length > 0 && length <= 255) {
        String name = in.toString(pos, length, StandardCharsets.US_ASCII);
        return name.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? name : null;
      }
      pos += length;
    }
    return null;
  }
}
