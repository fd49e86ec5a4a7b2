package dev.updraft.deploy.local;

import dev.updraft.deploy.state.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When an environment removes itself (a preview's time to live): {@code expires} in its state
 * directory holds the time and the main class that removes it. The supervisor watches it from its
 * start, a restarted one too, so the removal survives crashes and reboots; at the time, it starts
 * the remover in a session of its own, since removing the environment stops the supervisor.
 *
 * @param main the class whose {@code main(DATA_DIR)} removes the environment
 */
public record Expiry(Instant at, String main) {
  public static final String FILE = "expires";

  public Expiry {
    if (at == null || main == null || !main.matches("[A-Za-z_$][\\w$.]*")) {
      throw new IllegalArgumentException(
          "expiry: " + at + " " + main + " (expected: a time and a class name)");
    }
  }

  public void write(Path dir) {
    PrivateFiles.write(dir.resolve(FILE), at + " " + main + "\n");
  }

  /** Watches the expiry of the environment in {@code dir}, if it has one. */
  static void watch(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return;
    }
    Expiry expiry;
    try {
      String[] fields = Files.readString(file).trim().split(" ");
      expiry = new Expiry(Instant.parse(fields[0]), fields[1]);
    } catch (IOException | RuntimeException e) {
      System.out.println("supervisor: " + file + " unreadable, no expiry: " + e.getMessage());
      return;
    }
    Thread.ofVirtual()
        .name("expiry")
        .start(
            () -> {
              try {
                Duration left = Duration.between(Instant.now(), expiry.at());
                if (left.isPositive()) {
                  Thread.sleep(left);
                }
                expiry.remove(dir);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  private void remove(Path dir) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx64m", "-cp", BuildId.classPath(), main, dir.toString()));
    System.out.println("supervisor: expired at " + at + ", removing the environment");
    try {
      new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(
              ProcessBuilder.Redirect.appendTo(
                  PrivateFiles.touch(dir.resolve("supervisor.log")).toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      System.out.println("supervisor: cannot start the removal: " + e.getMessage());
    }
  }
}
