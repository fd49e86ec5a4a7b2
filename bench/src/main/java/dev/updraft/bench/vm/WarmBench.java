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
 * #WARM_UP} untimed rounds, one every {@value #PACE_MILLIS} ms or more, with where the time went:
 * serve logs each operation's phases (a snapshot load's read_state, spare_vm, memory, ... ; a VM's
 * creation and closing), and this prints each phase's p50 and p90. No QEMU runs, so that nothing
 * but serve competes for the cores while it is timed; {@code serve} measures the same beside QEMU.
 * With {@code VM_BENCH_BASELINE} set to another build's VMM command, that build's serve runs beside
 * this one, request by request in turn, and is the anchor column: a change judged on a machine
 * whose load swings between runs.
 */
final class WarmBench {
  private static final int RUNS = 100;
  private static final int WARM_UP = 20;
  // Between two operations: what a VM left to free in the background (a deleted VM's teardown,
  // the next spare) is done before the next is timed, whichever serve it belongs to.
  private static final long PACE_MILLIS = 30;
  // "<timestamp> [<id>:<thread>:...] <message>", Firecracker's log line (LogLine).
  private static final Pattern LINE = Pattern.compile("\\[(\\w+):[^\\]]*\\] ([^:]+: .*)");
  private static final Pattern PHASE = Pattern.compile("(\\w+) (\\d+) us");
  private static final Pattern FIRST_RUN =
      Pattern.compile(
          "first KVM_RUN (\\d+) us after the load request \\(vcpu thread running at (-?\\d+) us");

  private final VmBench.Setup setup;
  private final VmBench.Setup baseline;
  private final Table table;

  /**
   * @param baseline another build's VMM to run beside this one, alternating request by request so
   *     that both see the same machine (its figures are the anchor column), or null
   */
  WarmBench(VmBench.Setup setup, VmBench.Setup baseline, Table table) {
    this.setup = setup;
    this.baseline = baseline;
    this.table = table;
  }

  void run() throws Exception {
    SnapshotBench snap = new SnapshotBench(setup);
    snap.createUpdraft(0);
    String load = snap.load();
    List<Serve> serves = new ArrayList<>();
    try {
      serves.add(Serve.start(setup, setup.work().resolve("warm")));
      if (baseline != null) {
        serves.add(Serve.start(baseline, setup.work().resolve("warm-baseline")));
      }
      int n = serves.size();
      for (int i = 0; i < WARM_UP; i++) {
        for (Serve serve : serves) {
          apiOnce(serve, "w" + i);
          restoreOnce(serve, load, "x" + i);
        }
      }
      // [serve][measure][run]: API ready, DELETE unstarted; load to output, to answer, DELETE.
      double[][][] api = new double[n][2][RUNS];
      double[][][] restore = new double[n][3][RUNS];
      for (int i = 0; i < RUNS; i++) {
        for (int k = 0; k < n; k++) {
          int s = (i + k) % n; // who goes first alternates
          Thread.sleep(PACE_MILLIS);
          double[] one = apiOnce(serves.get(s), "a" + i);
          for (int m = 0; m < one.length; m++) {
            api[s][m][i] = one[m];
          }
        }
      }
      for (int i = 0; i < RUNS; i++) {
        for (int k = 0; k < n; k++) {
          int s = (i + k) % n;
          Thread.sleep(PACE_MILLIS);
          double[] one = restoreOnce(serves.get(s), load, "r" + i);
          for (int m = 0; m < one.length; m++) {
            restore[s][m][i] = one[m];
          }
        }
      }
      String[] names = {
        "new VM's API ready: create call to GET / answered",
        "DELETE of a VM that never started, answered",
        "restore: load request to the guest's first output",
        "restore: load request to its answer (guest resumed)",
        "DELETE of a restored, running VM, answered"
      };
      double[][][] all = {api[0], restore[0]};
      double[][][] base = n > 1 ? new double[][][] {api[1], restore[1]} : null;
      int row = 0;
      for (int g = 0; g < all.length; g++) {
        for (int m = 0; m < all[g].length; m++, row++) {
          if (base == null) {
            percentiles(names[row], all[g][m]);
          } else {
            compare(names[row], all[g][m], base[g][m]);
          }
        }
      }
      for (int k = 0; k < n; k++) {
        String log = serves.get(k).log();
        String who = k == 0 ? "" : "baseline ";
        phases(log, who, "a", "VM created");
        phases(log, who, "r", "Snapshot loaded");
        firstRun(log, who);
        phases(log, who, "r", "microVM closed");
        phases(log, who, "r", "VM closed (deleted)");
      }
    } finally {
      for (Serve serve : serves) {
        serve.close();
      }
    }
  }

  /** Create and GET /, then DELETE: {create to GET answered, DELETE}. */
  private static double[] apiOnce(Serve serve, String id) throws Exception {
    long start = System.nanoTime();
    VmBench.check(serve.create(id));
    VmBench.check(serve.vm(id, "GET", "/", ""));
    double ready = VmBench.millis(System.nanoTime() - start);
    start = System.nanoTime();
    serve.delete(id);
    return new double[] {ready, VmBench.millis(System.nanoTime() - start)};
  }

  /** One restore into a new VM: {load to first output, load to answer, DELETE}. */
  private static double[] restoreOnce(Serve serve, String load, String id) throws Exception {
    VmBench.check(serve.create(id));
    long start = System.nanoTime();
    VmBench.check(serve.vm(id, "PUT", "/snapshot/load", load));
    double answered = VmBench.millis(System.nanoTime() - start);
    double output = VmBench.millis(serve.awaitOutput(id) - start);
    start = System.nanoTime();
    serve.delete(id);
    return new double[] {output, answered, VmBench.millis(System.nanoTime() - start)};
  }

  private void compare(String what, double[] ours, double[] base) {
    for (int p : new int[] {50, 90}) {
      table.add(
          what + ", p" + p + " of " + ours.length + " (anchor: the baseline build)",
          "ms",
          Table.percentile(ours, p),
          Table.percentile(base, p),
          true);
    }
  }

  private void percentiles(String what, double[] values) {
    table.row(
        what + ", p50 / p90 of " + values.length,
        Table.p50p90(values, "ms"),
        "-",
        "-",
        "lower is better");
  }

  /**
   * One row per phase of the log lines {@code "<message>: phase N us, ..."} of the timed VMs (ids
   * starting with {@code prefix} and a digit): p50 / p90 in microseconds.
   */
  private void phases(String log, String who, String prefix, String message) {
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
    byPhase.forEach(
        (phase, micros) -> phaseRow(who + message + " [" + prefix + "]: " + phase, micros));
  }

  private void firstRun(String log, String who) {
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
    phaseRow(who + "load request to the vCPU thread running", thread);
    phaseRow(who + "load request to the first KVM_RUN", kvmRun);
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
        Table.p50p90(values, "us"),
        "-",
        "-",
        "lower is better");
  }
}
