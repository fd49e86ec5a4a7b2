package dev.updraft.bench.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code updraft vm serve --socket-dir DIR} as the benchmark drives it: VMs created and removed on
 * the management socket, each VM's Firecracker API on {@code DIR/<id>.sock}, each VM's console in
 * {@code DIR/<id>.console}.
 */
final class Serve implements AutoCloseable {
  private final Path dir;
  private final Console process;

  private Serve(Path dir, Console process) {
    this.dir = dir;
    this.process = process;
  }

  /** Starts serve in {@code dir} and waits for its management socket. */
  static Serve start(VmBench.Setup setup, Path dir) throws Exception {
    Files.createDirectories(dir);
    Console c = Console.start(setup.updraft("serve", "--socket-dir", dir.toString()));
    VmBench.awaitSocket(dir.resolve("management.socket"), c).close();
    return new Serve(dir, c);
  }

  /** The JVM's process id (the launcher execs it). */
  long pid() {
    return process.process().pid();
  }

  /** serve's log so far (its stdout: every VM logs there with its id). */
  String log() {
    return process.text();
  }

  /** POST /vms with the VM's console in a file of its own; returns the status code. */
  int create(String id) throws IOException {
    return manage(
        "POST", "/vms", "{\"id\": \"" + id + "\", \"serial_out_path\": \"" + console(id) + "\"}");
  }

  void delete(String id) throws IOException {
    VmBench.check(manage("DELETE", "/vms/" + id, ""));
  }

  int manage(String method, String path, String body) throws IOException {
    return request(dir.resolve("management.socket"), method, path, body);
  }

  /** A request on the VM's own socket; returns the status code. */
  int vm(String id, String method, String path, String body) throws IOException {
    return request(dir.resolve(id + ".sock"), method, path, body);
  }

  /** Firecracker's boot sequence on the VM's socket: boot source, machine config, start. */
  void boot(String id, String kernel, String bootArgs, long memMib) throws IOException {
    VmBench.check(
        vm(
            id,
            "PUT",
            "/boot-source",
            "{\"kernel_image_path\": \"" + kernel + "\", \"boot_args\": \"" + bootArgs + "\"}"));
    VmBench.check(
        vm(id, "PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": " + memMib + "}"));
    VmBench.check(vm(id, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"));
  }

  Path console(String id) {
    return dir.resolve(id + ".console");
  }

  /** Waits until the VM's console holds {@code marker}. */
  void await(String id, String marker) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Path file = console(id);
    while (!Files.exists(file) || !Files.readString(file).contains(marker)) {
      check(deadline, "\"" + marker + "\" on " + id + "'s console");
      Thread.sleep(5);
    }
  }

  /** Waits for the VM's first console byte and returns when it was seen. */
  long awaitOutput(String id) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Path file = console(id);
    while (!Files.exists(file) || Files.size(file) == 0) {
      check(deadline, "output on " + id + "'s console");
      // Short, as this is timed; a park, not a spin, so the guest's vCPU keeps its core.
      LockSupport.parkNanos(50_000);
    }
    return System.nanoTime();
  }

  private void check(long deadline, String what) {
    if (!process.process().isAlive()) {
      throw new IllegalStateException("serve ended while waiting for " + what);
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("no " + what + " within 60 s");
    }
  }

  private static int request(Path socket, String method, String path, String body)
      throws IOException {
    UnixHttp http = UnixHttp.tryConnect(socket);
    if (http == null) {
      throw new IOException("nothing listens on " + socket);
    }
    try (http) {
      return http.request(method, path, body);
    }
  }

  @Override
  public void close() {
    try {
      process.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
