package dev.updraft.bench.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshots against QEMU's migration to and from a file, on the same guest and memory size: the
 * snap guest (a ring-3 loop that prints a tick every millisecond) on 128 MiB, paused at its 20th
 * tick. Create is PUT /snapshot/create (Full) against QMP's {@code migrate "exec:cat > file"} of
 * the stopped VM until {@code query-migrate} says completed. Restore is timed twice: from the load
 * request (PUT /snapshot/load with resume_vm; QMP {@code migrate-incoming "exec:cat file"} of a
 * QEMU started with {@code -incoming defer}) and from process start, each to the guest's first byte
 * on the console after the restore; and from the load request to the restored vCPU's first KVM_RUN,
 * which updraft logs.
 */
final class SnapshotBench {
  private static final String GUEST_ARGS = "ticks=1000 period_ms=1";
  private static final String PAUSE_AT = "tick 20 ";
  private static final Pattern FIRST_RUN =
      Pattern.compile("first KVM_RUN (\\d+) us after the load request");

  private final VmBench.Setup setup;
  private final List<Double> firstKvmRun = new ArrayList<>();
  private Path state;
  private Path memory;
  private Path migration;

  SnapshotBench(VmBench.Setup setup) {
    this.setup = setup;
  }

  double createUpdraft(int run) throws Exception {
    Path socket = setup.work().resolve("snap-a-" + run + ".sock");
    Console c =
        Console.start(setup.updraft("--api-sock", socket.toString(), "--log-path", log("a", run)));
    try (UnixHttp api = VmBench.awaitSocket(socket, c)) {
      VmBench.check(
          api.request(
              "PUT",
              "/boot-source",
              "{\"kernel_image_path\": \""
                  + setup.guest("snap")
                  + "\", \"boot_args\": \""
                  + GUEST_ARGS
                  + "\"}"));
      VmBench.check(
          api.request(
              "PUT",
              "/machine-config",
              "{\"vcpu_count\": 1, \"mem_size_mib\": " + VmBench.MEM_MIB + "}"));
      VmBench.check(api.request("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"));
      c.await(PAUSE_AT, 60_000);
      VmBench.check(api.request("PATCH", "/vm", "{\"state\": \"Paused\"}"));
      state = setup.work().resolve("vm-" + run + ".state");
      memory = setup.work().resolve("vm-" + run + ".mem");
      long start = System.nanoTime();
      VmBench.check(
          api.request(
              "PUT",
              "/snapshot/create",
              "{\"snapshot_type\": \"Full\", \"snapshot_path\": \""
                  + state
                  + "\", \"mem_file_path\": \""
                  + memory
                  + "\"}"));
      return VmBench.millis(System.nanoTime() - start);
    } finally {
      c.kill();
      Files.deleteIfExists(socket);
    }
  }

  double createQemu(int run) throws Exception {
    Path socket = setup.work().resolve("snap-qmp-" + run + ".sock");
    Console c =
        Console.start(
            setup.qemu("snap", GUEST_ARGS, "-qmp", "unix:" + socket + ",server=on,wait=off"));
    try (UnixHttp qmp = VmBench.awaitSocket(socket, c)) {
      Qmp.handshake(qmp);
      c.await(PAUSE_AT, 60_000);
      Qmp.execute(qmp, "{\"execute\": \"stop\"}");
      migration = setup.work().resolve("qemu-" + run + ".migration");
      long start = System.nanoTime();
      Qmp.execute(
          qmp,
          "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"exec:cat > " + migration + "\"}}");
      Qmp.awaitMigration(qmp);
      return VmBench.millis(System.nanoTime() - start);
    } finally {
      c.kill();
      Files.deleteIfExists(socket);
    }
  }

  double loadToOutputUpdraft(int run) throws Exception {
    return restoreUpdraft("b", run, false);
  }

  double startToOutputUpdraft(int run) throws Exception {
    return restoreUpdraft("c", run, true);
  }

  double loadToOutputQemu(int run) throws Exception {
    return restoreQemu(run, false, 300);
  }

  /** As {@link #loadToOutputQemu(int)}, after {@code settleMillis} instead of 300 ms. */
  double loadToOutputQemu(int run, long settleMillis) throws Exception {
    return restoreQemu(run, false, settleMillis);
  }

  double startToOutputQemu(int run) throws Exception {
    return restoreQemu(run, true, 0);
  }

  /**
   * A fresh VMM loads the snapshot with resume_vm; the time to the guest's first output, from the
   * process's start or from the load request (then after a pause, as the API's start-up is not what
   * that measures).
   */
  private double restoreUpdraft(String which, int run, boolean fromProcessStart) throws Exception {
    Path socket = setup.work().resolve("snap-" + which + "-" + run + ".sock");
    long processStart = System.nanoTime();
    Console c =
        Console.start(
            setup.updraft("--api-sock", socket.toString(), "--log-path", log(which, run)));
    try (UnixHttp api = VmBench.awaitSocket(socket, c)) {
      if (!fromProcessStart) {
        Thread.sleep(300);
      }
      long request = System.nanoTime();
      VmBench.check(api.request("PUT", "/snapshot/load", load()));
      c.await("tick", 30_000);
      if (!fromProcessStart) {
        Matcher m = FIRST_RUN.matcher(Files.readString(Path.of(log(which, run))));
        if (m.find()) {
          firstKvmRun.add(Long.parseLong(m.group(1)) / 1000.0);
        }
      }
      return VmBench.millis(c.firstByteNanos() - (fromProcessStart ? processStart : request));
    } finally {
      c.kill();
      Files.deleteIfExists(socket);
    }
  }

  /** The same for QEMU: {@code -incoming defer}, then migrate-incoming and cont over QMP. */
  private double restoreQemu(int run, boolean fromProcessStart, long settleMillis)
      throws Exception {
    Path socket = setup.work().resolve("snap-qin-" + run + ".sock");
    long processStart = System.nanoTime();
    Console c =
        Console.start(
            setup.qemu(
                "snap",
                GUEST_ARGS,
                "-incoming",
                "defer",
                "-qmp",
                "unix:" + socket + ",server=on,wait=off"));
    try (UnixHttp qmp = VmBench.awaitSocket(socket, c)) {
      Qmp.handshake(qmp);
      if (!fromProcessStart) {
        Thread.sleep(settleMillis);
      }
      long request = System.nanoTime();
      Qmp.incomingAndContinue(qmp, "exec:cat " + migration);
      c.await("tick", 30_000);
      return VmBench.millis(c.firstByteNanos() - (fromProcessStart ? processStart : request));
    } finally {
      c.kill();
      Files.deleteIfExists(socket);
    }
  }

  /** Load request to the restored vCPU's first KVM_RUN, as updraft logged it, per load. */
  List<Double> firstKvmRun() {
    return firstKvmRun;
  }

  long stateBytes() throws IOException {
    return Files.size(state);
  }

  long memoryBytes() throws IOException {
    return Files.size(memory);
  }

  long migrationBytes() throws IOException {
    return Files.size(migration);
  }

  /** The body of PUT /snapshot/load for the last snapshot created, resuming the guest. */
  String load() {
    return "{\"snapshot_path\": \""
        + state
        + "\", \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \""
        + memory
        + "\"}, \"resume_vm\": true}";
  }

  private String log(String which, int run) {
    return setup.work().resolve("snap-" + which + "-" + run + ".log").toString();
  }
}
