package dev.updraft.vmm.virtio.vsock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A host process that connected to {@code uds_path} and has yet to say where to: Firecracker's
 * {@code CONNECT <port>\n} (the keyword in any case, the port decimal, at most {@value #MAX_LINE}
 * bytes with the newline). It is read a byte at a time, so whatever the process sends after the
 * newline stays in the socket for the guest.
 */
final class HostHandshake {
  static final int MAX_LINE = 32;

  /** What reading the command gave so far. */
  sealed interface Outcome {
    /** The line is not complete yet. */
    record Waiting() implements Outcome {}

    /** A valid command for guest port {@code port}. */
    record Connect(int port) implements Outcome {}

    /** Not a command, or the stream ended or failed: the connection is closed. */
    record Refused(String reason) implements Outcome {}
  }

  private final HostStream stream;
  private final ByteBuffer line = ByteBuffer.allocate(MAX_LINE);
  private final ByteBuffer one = ByteBuffer.allocateDirect(1);

  HostHandshake(HostStream stream) {
    this.stream = stream;
  }

  HostStream stream() {
    return stream;
  }

  /** Reads what has arrived, up to the newline. */
  Outcome read() {
    while (true) {
      int n;
      try {
        n = stream.read(one.clear());
      } catch (IOException e) {
        return new Outcome.Refused("read failed: " + e.getMessage());
      }
      if (n == HostStream.WOULD_BLOCK) {
        return new Outcome.Waiting();
      }
      if (n == 0) {
        return new Outcome.Refused("end of stream before the CONNECT line ended");
      }
      byte b = one.get(0);
      if (b == '\n') {
        return parse(new String(line.array(), 0, line.position(), StandardCharsets.US_ASCII));
      }
      if (!line.hasRemaining()) {
        return new Outcome.Refused("no newline within " + MAX_LINE + " bytes");
      }
      line.put(b);
    }
  }

  /** {@code CONNECT <port>}: the port's range is a u32, as the packet header's. */
  static Outcome parse(String text) {
    String[] words = text.trim().split("\\s+");
    if (words.length != 2 || !words[0].toLowerCase(Locale.ROOT).equals("connect")) {
      return new Outcome.Refused("not a CONNECT <port> line: " + printable(text));
    }
    try {
      return new Outcome.Connect(Integer.parseUnsignedInt(words[1]));
    } catch (NumberFormatException e) {
      return new Outcome.Refused("port: " + printable(words[1]) + " (expected: 0 to 4294967295)");
    }
  }

  private static String printable(String text) {
    return text.codePoints()
        .map(c -> c >= 0x20 && c < 0x7F ? c : '?')
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
