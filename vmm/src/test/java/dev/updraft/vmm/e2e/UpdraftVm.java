package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.api.VmmMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code updraft vm --api-sock SOCKET} as a process of its own (its stdout in a file), and curl
 * against its socket exactly as Firecracker's guides call it: no Content-Type header.
 */
final class UpdraftVm implements AutoCloseable {
  final Process process;
  final Path socket;
  final Path stdout;

  private UpdraftVm(Process process, Path socket, Path stdout) {
    this.process = process;
    this.socket = socket;
    this.stdout = stdout;
  }

  /** Starts the VMM with its socket at {@code socket} and waits until it accepts. */
  static UpdraftVm start(Path socket, Path stdout) throws Exception {
    UpdraftVm vm =
        new UpdraftVm(
            java(VmmMain.class, "--api-sock", socket.toString())
                .redirectErrorStream(true)
                .redirectOutput(stdout.toFile())
                .start(),
            socket,
            stdout);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket)) {
      assertThat(vm.process.isAlive()).as("the VMM is running").isTrue();
      assertThat(System.nanoTime()).as("API socket within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
    return vm;
  }

  /** This JVM's java running {@code main} with this test's class path. */
  static ProcessBuilder java(Class<?> main, String... args) {
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

  /** curl as the guides: -X, --unix-socket, --data, no headers; returns "code[ body]". */
  String curl(String method, String path, String body) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("curl", "-s", "-X", method, "--unix-socket", socket.toString()));
    if (body != null) {
      command.addAll(List.of("--data", body));
    }
    command.addAll(List.of("-w", "\n%{http_code}", "http://localhost" + path));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    int nl = out.lastIndexOf('\n');
    String code = out.substring(nl + 1).trim();
    String text = out.substring(0, nl).trim();
    return text.isEmpty() ? code : code + " " + text;
  }

  /** A PUT or PATCH that must succeed (204). */
  void expect204(String method, String path, String body) throws Exception {
    assertThat(curl(method, path, body)).as(method + " " + path).isEqualTo("204");
  }

  /**
   * Waits for {@code text} in {@code file}; fails at once if the VMM ends first, and on a timeout
   * says what the file holds and where the VMM's threads are, so a failure in CI explains itself.
   */
  void await(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!read(file).contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the VMM ended (exit "
                + process.exitValue()
                + ") before \""
                + text
                + "\" in "
                + file
                + ":\n"
                + read(file)
                + "\nits output:\n"
                + read(stdout));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no \""
                + text
                + "\" in "
                + file
                + " within 60 s:\n"
                + read(file)
                + "\nthe VMM's threads:\n"
                + threadDump(process.pid()));
      }
      Thread.sleep(10);
    }
  }

  /** Waits for the VMM to end and returns its exit code. */
  int awaitExit() throws Exception {
    assertThat(process.waitFor(60, TimeUnit.SECONDS))
        .as("the VMM ends with its guest; its output:\n%s", read(stdout))
        .isTrue();
    return process.exitValue();
  }

  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static String threadDump(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
