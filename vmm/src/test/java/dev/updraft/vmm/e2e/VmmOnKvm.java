package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.testing.JavaProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code updraft vm --api-sock SOCKET} as a process of its own on real KVM, its stdout (the guest's
 * console) in a file, driven with curl the way Firecracker's guides do.
 */
final class VmmOnKvm implements AutoCloseable {
  final Path socket;
  final Path console;
  final Process process;

  private VmmOnKvm(Path socket, Path console, Process process) {
    this.socket = socket;
    this.console = console;
    this.process = process;
  }

  /** Starts the VMM and waits for its API socket. */
  static VmmOnKvm start(Path socket, Path console, String... flags) throws Exception {
    return start(List.of(), socket, console, flags);
  }

  /**
   * The same, the java command behind {@code prefix} (e.g. {@code ip netns exec NS}, so that the
   * VMM opens its TAP devices inside a namespace).
   */
  static VmmOnKvm start(List<String> prefix, Path socket, Path console, String... flags)
      throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(JavaProcesses.java(VmmMain.class, "--api-sock", socket.toString()).command());
    command.addAll(List.of(flags));
    Process process = JavaProcesses.launch(command, console, socket, "the VMM", "API socket");
    return new VmmOnKvm(socket, console, process);
  }

  String consoleText() throws IOException {
    return read(console);
  }

  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** The file's text without VMM log records, which can split a guest's line in two. */
  private static String guestText(Path file) throws IOException {
    return GuestReport.withoutVmmLog(read(file));
  }

  /** Waits for {@code text} on the console (the VMM's stdout). */
  void awaitConsole(String text) throws Exception {
    await(console, text);
  }

  /**
   * Waits for {@code text} in {@code file}; fails at once if the VMM ends first, and on a timeout
   * says what the file holds and where the VMM's threads are, so a failure in CI explains itself.
   */
  void await(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!guestText(file).contains(text)) {
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
                + (file.equals(console) ? "" : "\nits output:\n" + consoleText()));
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
                + threadDump());
      }
      Thread.sleep(10);
    }
  }

  /** Waits for the VMM to end; returns its exit code. */
  int awaitExit() throws Exception {
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      throw new AssertionError(
          "the VMM still runs after 120 s; console:\n"
              + consoleText()
              + "\nthe VMM's threads:\n"
              + threadDump());
    }
    return process.exitValue();
  }

  String threadDump() throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }

  /**
   * curl as the guides call it: -X, --unix-socket, --data and the given headers (the
   * getting-started guide sends none); returns "code[ body]".
   */
  String curl(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("curl", "-s", "-X", method, "--unix-socket", socket.toString()));
    for (String header : headers) {
      command.addAll(List.of("-H", header));
    }
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

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
