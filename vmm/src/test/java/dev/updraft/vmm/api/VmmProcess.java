package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.runtime.FakeHypervisor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link VmmMain#run} on a thread of the test JVM with a fake hypervisor, as a process would run
 * it, plus curl against its API socket exactly as Firecracker's getting-started guide calls it (no
 * Content-Type header, so curl labels the body as a form).
 */
final class VmmProcess implements AutoCloseable {
  record Reply(int status, String body) {}

  final FakeHypervisor hypervisor;
  final Path socket;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final CompletableFuture<Integer> exit;

  private VmmProcess(FakeHypervisor hypervisor, Path socket, String... args) {
    this.hypervisor = hypervisor;
    this.socket = socket;
    PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
    exit = new CompletableFuture<>();
    Thread main =
        new Thread(
            () -> {
              try {
                exit.complete(VmmMain.run(args, hypervisor, stdout, stderr));
              } catch (Throwable t) {
                exit.completeExceptionally(t);
              }
            },
            "vmm-main");
    main.setDaemon(true);
    main.start();
  }

  /** Starts the VMM with {@code args} (which should include {@code --api-sock socket}). */
  static VmmProcess start(Path socket, String... args) {
    return new VmmProcess(new FakeHypervisor(), socket, args);
  }

  /** The same with a hypervisor the test has prepared. */
  static VmmProcess start(FakeHypervisor hypervisor, Path socket, String... args) {
    return new VmmProcess(hypervisor, socket, args);
  }

  /** Waits until the API socket accepts. */
  VmmProcess awaitSocket() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(socket)) {
      if (exit.isDone()) {
        throw new AssertionError("the VMM ended with " + exit.get() + ": " + err());
      }
      assertThat(System.nanoTime()).as("API socket after 20 s").isLessThan(deadline);
      Thread.sleep(10);
    }
    return this;
  }

  /** Waits until the hypervisor has started a VM. */
  void awaitBoot() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (hypervisor.vm() == null) {
      assertThat(exit.isDone()).as("the VMM ended before booting: " + err()).isFalse();
      assertThat(System.nanoTime()).as("boot after 20 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  int awaitExit() throws Exception {
    return exit.get(20, TimeUnit.SECONDS);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** {@code curl -X <method> --unix-socket <socket> [--data <body>] http://localhost<path>}. */
  Reply curl(String method, String path, String body) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of("curl", "-s", "-S", "-X", method, "--unix-socket", socket.toString()));
    if (body != null) {
      command.addAll(List.of("--data", body));
    }
    command.addAll(List.of("-w", "\n%{http_code}", "http://localhost" + path));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
    int newline = output.lastIndexOf('\n');
    return new Reply(
        Integer.parseInt(output.substring(newline + 1).trim()), output.substring(0, newline));
  }

  Reply put(String path, String body) throws IOException, InterruptedException {
    return curl("PUT", path, body);
  }

  Reply get(String path) throws IOException, InterruptedException {
    return curl("GET", path, null);
  }

  /**
   * Ends the VMM the way a client can: before boot only a booted guest ending stops Firecracker, so
   * an unbooted VMM is booted with a throwaway kernel first, then its guest is ended.
   */
  @Override
  public void close() {
    try {
      if (!exit.isDone() && hypervisor.vm() == null && Files.exists(socket)) {
        Path kernel = Files.writeString(socket.resolveSibling("close-vmlinux"), "kernel");
        put("/boot-source", "{\"kernel_image_path\": \"" + kernel + "\"}");
        put("/actions", "{\"action_type\": \"InstanceStart\"}");
      }
      if (!exit.isDone() && hypervisor.vm() != null) {
        hypervisor.vm().end(0, "test over");
      }
      exit.get(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ending the VMM", e);
    } catch (Exception e) {
      throw new IllegalStateException("the VMM did not end: " + err(), e);
    }
  }
}
