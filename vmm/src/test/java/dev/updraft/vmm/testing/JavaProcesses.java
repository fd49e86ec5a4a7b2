package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A class's main as a process of its own, on this test's JDK and class path. */
public final class JavaProcesses {
  private JavaProcesses() {}

  /**
   * Starts {@code command} with its output in {@code output} and waits up to 30 s for {@code
   * socket}; fails at once, with the output, if the process ends first.
   */
  public static Process launch(
      List<String> command, Path output, Path socket, String process, String socketName)
      throws Exception {
    Process started =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket)) {
      assertThat(started.isAlive())
          .as(process + " is running: " + (Files.exists(output) ? Files.readString(output) : ""))
          .isTrue();
      assertThat(System.nanoTime()).as(socketName + " within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
    return started;
  }

  /** This JVM's java running {@code main} with this test's class path. */
  public static ProcessBuilder java(Class<?> main, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
