package dev.updraft.vmm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host tool (gcc, iasl) that a test checks our bytes against.
 *
 * @param exitCode the tool's exit status
 * @param output stdout and stderr, interleaved
 */
public record Command(int exitCode, String output) {
  /** Runs {@code command} in {@code directory}; fails the test if it hangs for a minute. */
  public static Command run(Path directory, String... command)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(List.of(command))
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(1, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + ": still running after 1 min");
    }
    return new Command(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
