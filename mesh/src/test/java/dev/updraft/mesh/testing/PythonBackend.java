package dev.updraft.mesh.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Python's {@code http.server} (HTTP/1.1, keep-alive) as a backend that was not written for this
 * project: it records every byte each connection receives, so a test can check exactly what the
 * proxy sent. Needs {@code python3}.
 */
public final class PythonBackend implements AutoCloseable {
  private static final String SCRIPT = "recording_server.py";

  private final Process process;
  private final Path dir;
  private final int port;

  private PythonBackend(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  public static PythonBackend start() throws IOException {
    Path dir = Files.createTempDirectory("python-backend");
    Path script = dir.resolve(SCRIPT);
    try (InputStream in = PythonBackend.class.getResourceAsStream(SCRIPT)) {
      Files.copy(in, script);
    }
    Path log = Files.createDirectory(dir.resolve("connections"));
    Process process =
        new ProcessBuilder("python3", script.toString(), log.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null) {
      process.destroyForcibly();
      throw new IOException("python3 " + SCRIPT + " exited before printing its port");
    }
    return new PythonBackend(process, log, Integer.parseInt(line.trim()));
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The bytes each connection received so far, in connection order. */
  public List<String> connections() {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> all = new ArrayList<>();
      for (Path file :
          files.sorted(Comparator.comparingInt(PythonBackend::connectionNumber)).toList()) {
        all.add(Files.readString(file, StandardCharsets.ISO_8859_1));
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int connectionNumber(Path file) {
    String name = file.getFileName().toString();
    return Integer.parseInt(name.substring("conn-".length(), name.indexOf('.')));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
