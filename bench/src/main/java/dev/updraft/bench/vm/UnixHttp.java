package dev.updraft.bench.vm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Just enough HTTP/1.1 over a Unix socket to drive Firecracker's API (and QEMU's QMP lines). */
final class UnixHttp implements AutoCloseable {
  private final SocketChannel channel;

  private UnixHttp(SocketChannel channel) {
    this.channel = channel;
  }

  /** Connects, or returns null while nothing listens on {@code socket}. */
  static UnixHttp tryConnect(Path socket) {
    try {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new UnixHttp(channel);
      } catch (IOException e) {
        channel.close();
        return null;
      }
    } catch (IOException e) {
      return null;
    }
  }

  /** Sends one request and returns the status line's code. */
  int request(String method, String path, String body) throws IOException {
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
            + payload.length
            + "\r\n\r\n";
    write(head + body);
    return readResponse();
  }

  void write(String text) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  /** Reads one line (QMP speaks JSON lines). */
  String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      one.clear();
      if (channel.read(one) < 0) {
        return line.toString();
      }
      char c = (char) one.get(0);
      if (c == '\n') {
        return line.toString();
      }
      line.append(c);
    }
  }

  private int readResponse() throws IOException {
    String status = readLine();
    int length = 0;
    String header;
    while (!(header = readLine().strip()).isEmpty()) {
      if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring(15).strip());
      }
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    while (body.hasRemaining() && channel.read(body) >= 0) {
      // read the whole body so the next request starts clean
    }
    return Integer.parseInt(status.split(" ")[1]);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
