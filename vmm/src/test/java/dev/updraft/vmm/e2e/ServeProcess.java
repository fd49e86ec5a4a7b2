package dev.updraft.vmm.e2e;

import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.testing.Curl;
import dev.updraft.vmm.testing.JavaProcesses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code updraft vm serve --socket-dir DIR} as a process of its own, its output in a file. */
final class ServeProcess implements AutoCloseable {
  final Path dir;
  final Path output;
  final Process process;

  private ServeProcess(Path dir, Path output, Process process) {
    this.dir = dir;
    this.output = output;
    this.process = process;
  }

  /** Starts serve (the launcher's arguments after {@code prefix}) and waits for its socket. */
  static ServeProcess start(List<String> prefix, Path dir, Path output, String... flags)
      throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        JavaProcesses.java(VmmMain.class, "serve", "--socket-dir", dir.toString()).command());
    command.addAll(List.of(flags));
    Process process =
        JavaProcesses.launch(command, output, managementSocket(dir), "serve", "management socket");
    return new ServeProcess(dir, output, process);
  }

  Path managementSocket() {
    return managementSocket(dir);
  }

  private static Path managementSocket(Path dir) {
    return dir.resolve("management.socket");
  }

  Path vmSocket(String id) {
    return dir.resolve(id + ".sock");
  }

  /** A request on the management API: "code[ body]". */
  String manage(String method, String path, String body) throws Exception {
    return Curl.request(managementSocket(), method, path, body);
  }

  /** A request on one VM's Firecracker API socket. */
  String vm(String id, String method, String path, String body) throws Exception {
    return Curl.request(vmSocket(id), method, path, body);
  }

  String outputText() throws IOException {
    return VmmOnKvm.read(output);
  }

  /** Waits until {@code file} holds {@code text}; fails at once if serve ends. */
  void await(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!VmmOnKvm.read(file).contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "serve ended (exit " + process.exitValue() + "); its output:\n" + outputText());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no \""
                + text
                + "\" in "
                + file
                + " within 120 s:\n"
                + VmmOnKvm.read(file)
                + "\nserve's output:\n"
                + outputText());
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
