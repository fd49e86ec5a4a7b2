package dev.updraft.sys.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A C program compiled with gcc against the system headers whose output lines are {@code NAME
 * VALUE}: how tests check the numbers and struct layouts the Java side hand-codes.
 */
public final class CProbe {
  private CProbe() {}

  /** Compiles {@code source} in {@code dir}, runs it and returns its lines by name. */
  public static Map<String, Long> run(Path dir, String source) throws IOException {
    Path file = dir.resolve("probe.c");
    Files.writeString(file, source);
    Path binary = dir.resolve("probe");
    exec(new ProcessBuilder("gcc", "-o", binary.toString(), file.toString()));
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : exec(new ProcessBuilder(binary.toString())).split("\n")) {
      int space = line.lastIndexOf(' ');
      values.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
    }
    return values;
  }

  private static String exec(ProcessBuilder builder) throws IOException {
    Process p = builder.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", builder.command()) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
