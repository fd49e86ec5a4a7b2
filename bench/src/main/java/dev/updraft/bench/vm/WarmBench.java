package dev.updraft.bench.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The warm process alone ({@code bench/vm/run N restore}): a new VM's API ready, a restore to the
 * guest's first output and the DELETE of a VM, each p50 and p90 over {@value #RUNS} after {@value
 * #WARM_UP} untimed rounds, with where the time went: serve logs each operation's phases (a
 * snapshot load's read_state, spare_vm, memory, ... ; a VM's creation and closing), and this prints
 * each phase's p50 and p90. No anchor runs, so that nothing but serve competes for the cores while
 * it is timed; {@code serve} measures the same beside QEMU.
 */
final class WarmBench {
  private static final int RUNS = 100;
  private static final int WARM_UP = 20;
  // "<timestamp> [<id>:<thread>:...] <message>", Firecracker's log line (LogLine).
  private static final Pattern LINE = Pattern.compile("\\[(\\w+):[^\\]]*\\] ([^:]+: .*)");
  private static final Pattern PHASE = Pattern.compile("(\\w+) (\\d+) us");
  private static final Pattern FIRST_RUN =
      Pattern.compile(
          "first KVM_RUN (\\d+) us after the load request \\(vcpu thread running at (-?\\d+) us");

  private final VmBench.Setup setup;
  private final Table table;

  WarmBench(VmBench.Setup setup, Table table) {
    this.setup = setup;
    this.table = table;
  }

  void run() throws Exception {
    SnapshotBench snap = new SnapshotBench(setup);
    snap.createUpdraft(0);
    try (Serve serve = Serve.start(setup, setup.work().resolve("warm"))) {
      apiReady(serve, "w", WARM_UP);
      restores(serve, snap, "x", WARM_UP);
      double[][] api = apiReady(serve, "a", RUNS);
      double[][] restore = restores(serve, snap, "r", RUNS);
      percentiles("new VM's API ready: create call to GET / answered", api[0]);
      percentiles("DELETE of a VM that never started, answered", api[1]);
      percentiles("restore: load request to the guest's first output", restore[0]);
      percentiles("restore: load request to its answer (guest resumed)", restore[1]);
      percentiles("DELETE of a restored, running VM, answered", restore[2]);
      String log = serve.log();
      phases(log, "a", "VM created");
      phases(log, "r", "Snapshot loaded");
      firstRun(log);
      phases(log, "r", "microVM closed");
      phases(log, "r", "VM closed (deleted)");
      phases(log, "a", "VM closed (deleted)");
    }
  }

  /** Create and GET /, then DELETE, {@code runs} times: {create to GET answered, DELETE}. */
  private double[][] apiReady(Serve serve, String prefix, int runs) throws Exception {
    double[] ready = new double[runs];
    double[] delete = new double[runs];
    for (int i = 0; i < runs; i++) {
      String id = prefix + i;
      long start = System.nanoTime();
      VmBench.check(serve.create(id));
      VmBench.check(serve.vm(id, "GET", "/", ""));
      ready[i] = VmBench.millis(System.nanoTime() - start);
      start = System.nanoTime();
      serve.delete(id);
      delete[i] = VmBench.millis(System.nanoTime() - start);
    }
    return new double[][] {ready, delete};
  }

  /** {@code runs} restores: {load to first output, load to answer, DELETE}. */
  private double[][] restores(Serve serve, SnapshotBench snap, String prefix, int runs)
      throws Exception {
    double[] output = new double[runs];
    double[] answered = new double[runs];
    double[] delete = new double[runs];
    String load = snap.load();
    for (int i = 0; i < runs; i++) {
      String id = prefix + i;
      VmBench.check(serve.create(id));
      long start = System.nanoTime();
      VmBench.check(serve.vm(id, "PUT", "/snapshot/load", load));
      answered[i] = VmBench.millis(System.nanoTime() - start);
      output[i] = VmBench.millis(serve.awaitOutput(id) - start);
      start = System.nanoTime();
      serve.delete(id);
      delete[i] = VmBench.millis(System.nanoTime() - start);
    }
    return new double[][] {output, answered, delete};
  }

  private void percentiles(String what, double[] values) {
    table.row(
        what + ", p50 / p90 of " + values.length,
        Table.fmt(Table.percentile(values, 50))
            + " / "
            + Table.fmt(Table.percentile(values, 90))
            + " ms",
        "-",
        "-",
        "lower is better");
  }

  /**
   * One row per phase of the log lines {@code "<message>: phase N us, ..."} of the timed VMs (ids
   * starting with {@code prefix} and a digit): p50 / p90 in microseconds.
   */
  private void phases(String log, String prefix, String message) {
    Map<String, List<Double>> byPhase = new LinkedHashMap<>();
    for (String line : log.lines().toList()) {
      Matcher m = LINE.matcher(line);
      if (!m.find() || !timed(m.group(1), prefix) || !m.group(2).startsWith(message + ": ")) {
        continue;
      }
      Matcher p = PHASE.matcher(m.group(2).substring(message.length() + 2));
      while (p.find()) {
        byPhase
            .computeIfAbsent(p.group(1), k -> new ArrayList<>())
            .add(Double.parseDouble(p.group(2)));
      }
    }
    byPhase.forEach((phase, micros) -> phaseRow(message + " [" + prefix + "]: " + phase, micros));
  }

  private void firstRun(String log) {
    List<Double> kvmRun = new ArrayList<>();
    List<Double> thread = new ArrayList<>();
    for (String line : log.lines().toList()) {
      Matcher m = LINE.matcher(line);
      if (m.find() && timed(m.group(1), "r")) {
        Matcher f = FIRST_RUN.matcher(m.group(2));
        if (f.find()) {
          kvmRun.add(Double.parseDouble(f.group(1)));
          thread.add(Double.parseDouble(f.group(2)));
        }
      }
    }
    phaseRow("load request to the vCPU thread running", thread);
    phaseRow("load request to the first KVM_RUN", kvmRun);
  }

  private static boolean timed(String id, String prefix) {
    return id.length() > prefix.length()
        && id.startsWith(prefix)
        && Character.isDigit(id.charAt(prefix.length()));
  }

  private void phaseRow(String what, List<Double> micros) {
    if (micros.isEmpty()) {
      return;
    }
    double[] values = micros.stream().mapToDouble(Double::doubleValue).toArray();
    table.row(
        what + ", p50 / p90 of " + values.length,
        Table.fmt(Table.percentile(values, 50))
            + " / "
            + Table.fmt(Table.percentile(values, 90))
            + " us",
        "-",
        "-",
        "lower is better");
  }
}
