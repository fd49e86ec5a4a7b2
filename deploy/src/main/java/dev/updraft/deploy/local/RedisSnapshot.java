package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A copy of a Redis server's data: a snapshot ({@code SAVE}: an RDB file of the data set at that
 * moment) made the base of the copy's append-only file. updraft's Redis runs append-only, and a
 * Redis 7 with {@code appendonly yes} and no AOF starts empty even beside a {@code dump.rdb}; its
 * multi-part AOF takes an RDB file as its base, named in its manifest, so the copy starts with the
 * snapshot and appends from there. A stopped server's AOF directory is copied as it lies.
 */
final class RedisSnapshot {
  static final String AOF_DIR = "appendonlydir";
  private static final String BASE = "appendonly.aof.1.base.rdb";
  private static final String MANIFEST = "appendonly.aof.manifest";

  private RedisSnapshot() {}

  /** Copies the data of the Redis serving {@code from} on {@code port} into {@code to}. */
  static void online(String service, Path from, Path to, int port) {
    Path dump = from.resolve("dump.rdb");
    try {
      // SAVE, not BGSAVE: it answers once the file is complete (a development data set takes
      // milliseconds), with no fork and no polling for a background save's end.
      String reply = command(port, "SAVE");
      if (!reply.equals("+OK")) {
        throw new IOException("SAVE answered " + reply);
      }
      Path aof = PrivateFiles.directories(to.resolve(AOF_DIR));
      PrivateFiles.copy(dump, aof.resolve(BASE));
      PrivateFiles.write(aof.resolve(MANIFEST), "file " + BASE + " seq 1 type b\n");
    } catch (IOException e) {
      throw failed(service, from, e);
    } finally {
      try {
        Files.deleteIfExists(dump); // the source runs append-only; the snapshot was for us
      } catch (IOException e) {
        // left beside its AOF, in its private directory; the next copy replaces it
      }
    }
  }

  /** Copies the AOF of the stopped Redis whose directory is {@code from} into {@code to}. */
  static void stopped(String service, Path from, Path to) {
    Path aof = from.resolve(AOF_DIR);
    if (!Files.isDirectory(aof)) {
      return; // it never ran: nothing to copy
    }
    try (Stream<Path> files = Files.list(aof)) {
      Path copy = PrivateFiles.directories(to.resolve(AOF_DIR));
      for (Path file : (Iterable<Path>) files::iterator) {
        PrivateFiles.copy(file, copy.resolve(file.getFileName().toString()));
      }
    } catch (IOException e) {
      throw failed(service, from, e);
    }
  }

  private static DeployException failed(String service, Path from, IOException e) {
    return new DeployException(
        "PREVIEW_DATA",
        service + ": cannot copy its Redis data from " + from + ": " + e.getMessage(),
        "check that the source's database runs (updraft deploy status) and the free space",
        null);
  }

  /** One RESP command of one word; the reply's first line. */
  private static String command(int port, String word) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(120_000);
      String request = "*1\r\n$" + word.length() + "\r\n" + word + "\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return Wire.line(socket.getInputStream());
    }
  }
}
