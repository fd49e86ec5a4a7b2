package dev.updraft.vmm.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client for QEMU's machine protocol (QMP) on a Unix socket: one JSON command per line, answered
 * by a line with "return" or "error"; asynchronous event lines in between are skipped.
 */
public final class Qmp implements AutoCloseable {
  private final SocketChannel channel;
  private final BufferedReader in;

  private Qmp(SocketChannel channel) {
    this.channel = channel;
    this.in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
  }

  /** Connects (retrying while QEMU creates the socket) and leaves capabilities negotiation. */
  public static Qmp connect(Path socket, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
          channel.close();
          throw e;
        }
        Qmp qmp = new Qmp(channel);
        qmp.readLine(); // the greeting
        qmp.execute("qmp_capabilities", "");
        return qmp;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new UncheckedIOException(
              "QMP socket " + socket + ": no connection in " + timeout, e);
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /**
   * Runs a command; {@code arguments} is a JSON object's members (e.g. {@code "keys": [...]}) or
   * empty. Returns the answer line.
   *
   * @throws IllegalStateException if QEMU answers with an error
   */
  public String execute(String command, String arguments) throws IOException {
    String request =
        arguments.isEmpty()
            ? "{\"execute\": \"" + command + "\"}\n"
            : "{\"execute\": \"" + command + "\", \"arguments\": {" + arguments + "}}\n";
    ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    while (true) {
      String line = readLine();
      if (line.contains("\"error\"")) {
        throw new IllegalStateException("QMP " + command + ": " + line);
      }
      if (line.contains("\"return\"")) {
        return line;
      }
    }
  }

  /** Presses keys together and releases them, e.g. {@code sendKeys("ctrl", "alt", "delete")}. */
  public void sendKeys(String... qcodes) throws IOException {
    StringBuilder keys = new StringBuilder();
    for (String key : qcodes) {
      keys.append(keys.isEmpty() ? "" : ", ")
          .append("{\"type\": \"qcode\", \"data\": \"")
          .append(key)
          .append("\"}");
    }
    execute("send-key", "\"keys\": [" + keys + "]");
  }

  private String readLine() throws IOException {
    String line = in.readLine();
    if (line == null) {
      throw new IOException("QMP: connection closed");
    }
    return line;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
