package dev.updraft.bench.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Many microVMs in one {@code updraft vm serve} process against one QEMU microvm process per VM:
 *
 * <ul>
 *   <li>memory per extra microVM: 50 idle 128 MiB guests ({@code idle}: prints, then halts with
 *       interrupts off, so the VMM does nothing); the Pss outside guest RAM ({@link Smaps}) summed
 *       over the VMM processes with 1 VM and with 50, the difference divided by 49. Pss counts a
 *       page shared by n processes as 1/n in each, so a shared library is paid once for 50 QEMUs,
 *       as the host pays it; guest pages are left out whatever the guest touched. Firecracker's
 *       published 5 MiB per microVM is the reference row.
 *   <li>a new VM's API ready in the warm process: from the management API's create call to the VM's
 *       own socket answering GET /, against QEMU's process start to its QMP greeting.
 *   <li>restore into the warm process, p50 and p90 over 100 restores: a VM created, then from the
 *       load request (resume_vm) to the guest's first console byte, against QEMU's {@code
 *       migrate-incoming} from a file and {@code cont} to the first console byte (QEMU started with
 *       {@code -incoming defer} beforehand, not timed).
 * </ul>
 */
final class ServeBench {
  private static final int VMS = 50;
  private static final int RESTORES = 100;
  private static final int API_RUNS = 20;
  private static final double FIRECRACKER_MIB = 5;
  private static final long SETTLE_MILLIS = 2000;

  private final VmBench.Setup setup;
  private final Table table;

  ServeBench(VmBench.Setup setup, Table table) {
    this.setup = setup;
    this.table = table;
  }

  void run() throws Exception {
    SnapshotBench snap = new SnapshotBench(setup);
    snap.createUpdraft(0);
    snap.createQemu(0);
    double[] qemu = qemuMemory();
    try (Serve serve = Serve.start(setup, setup.work().resolve("serve"))) {
      double[] ours = density(serve);
      table.add(
          "memory per extra microVM, " + VMS + " idle 128 MiB guests (Pss outside guest RAM)",
          "MiB",
          ours[2],
          qemu[2],
          true);
      table.add(
          "the same, against Firecracker's published figure (anchor: 5 MiB, not measured)",
          "MiB",
          ours[2],
          FIRECRACKER_MIB,
          true);
      table.add("memory with 1 microVM (Pss outside guest RAM)", "MiB", ours[0], qemu[0], true);
      table.add(
          "memory with " + VMS + " microVMs (Pss outside guest RAM, all processes)",
          "MiB",
          ours[1],
          qemu[1],
          true);
      apiReady(serve);
      restores(serve, snap);
    }
  }

  /** Pss outside guest RAM with 1 VM, with all VMs, and per extra VM, in MiB. */
  private double[] density(Serve serve) throws Exception {
    long one = 0;
    for (int i = 0; i < VMS; i++) {
      String id = "idle" + i;
      VmBench.check(serve.create(id));
      serve.boot(id, setup.guest("idle"), "", VmBench.MEM_MIB);
      serve.await(id, "ready");
      if (i == 0) {
        Thread.sleep(SETTLE_MILLIS);
        one = Smaps.proportionalOverheadKib(serve.pid(), VmBench.MEM_MIB << 20);
      }
    }
    Thread.sleep(SETTLE_MILLIS);
    long all = Smaps.proportionalOverheadKib(serve.pid(), VmBench.MEM_MIB << 20);
    return mib(one, all);
  }

  /** The same for one QEMU process per VM. */
  private double[] qemuMemory() throws Exception {
    List<Console> processes = new ArrayList<>();
    try {
      long one = 0;
      for (int i = 0; i < VMS; i++) {
        Console c = Console.start(setup.qemu("idle", ""));
        processes.add(c);
        c.await("ready", 30_000);
        if (i == 0) {
          Thread.sleep(SETTLE_MILLIS);
          one = Smaps.proportionalOverheadKib(c.process().pid(), VmBench.MEM_MIB << 20);
        }
      }
      Thread.sleep(SETTLE_MILLIS);
      long all = 0;
      for (Console c : processes) {
        all += Smaps.proportionalOverheadKib(c.process().pid(), VmBench.MEM_MIB << 20);
      }
      return mib(one, all);
    } finally {
      for (Console c : processes) {
        c.kill();
      }
    }
  }

  private static double[] mib(long oneKib, long allKib) {
    return new double[] {oneKib / 1024.0, allKib / 1024.0, (allKib - oneKib) / 1024.0 / (VMS - 1)};
  }

  /** Create call to GET / answered on the new VM's socket, against QEMU's start to QMP. */
  private void apiReady(Serve serve) throws Exception {
    double[] ours = new double[API_RUNS];
    double[] qemu = new double[API_RUNS];
    for (int i = 0; i < API_RUNS; i++) {
      String id = "api" + i;
      long start = System.nanoTime();
      VmBench.check(serve.create(id));
      VmBench.check(serve.vm(id, "GET", "/", ""));
      ours[i] = VmBench.millis(System.nanoTime() - start);
      serve.delete(id);
      qemu[i] = qmpReady(i);
    }
    String what = "new VM's API ready: create call to GET / answered (QEMU: start to QMP greeting)";
    table.add(what + ", p50", "ms", Table.percentile(ours, 50), Table.percentile(qemu, 50), true);
    table.add(what + ", p90", "ms", Table.percentile(ours, 90), Table.percentile(qemu, 90), true);
  }

  private double qmpReady(int run) throws Exception {
    Path socket = setup.work().resolve("api-qmp-" + run + ".sock");
    long start = System.nanoTime();
    Console c =
        Console.start(
            setup.qemu("idle", "", "-S", "-qmp", "unix:" + socket + ",server=on,wait=off"));
    try (UnixHttp qmp = VmBench.awaitSocket(socket, c)) {
      qmp.readLine();
      return VmBench.millis(System.nanoTime() - start);
    } finally {
      c.kill();
      java.nio.file.Files.deleteIfExists(socket);
    }
  }

  /** Restores of one snapshot into new VMs of the warm process, against QEMU's incoming. */
  private void restores(Serve serve, SnapshotBench snap) throws Exception {
    double[] answered = new double[RESTORES];
    double[] output = new double[RESTORES];
    double[] qemu = new double[RESTORES];
    String load = snap.load();
    for (int i = 0; i < RESTORES; i++) {
      String id = "restored" + i;
      VmBench.check(serve.create(id));
      long start = System.nanoTime();
      VmBench.check(serve.vm(id, "PUT", "/snapshot/load", load));
      answered[i] = VmBench.millis(System.nanoTime() - start);
      output[i] = VmBench.millis(serve.awaitOutput(id) - start);
      serve.delete(id);
      qemu[i] = snap.loadToOutputQemu(i, 50);
    }
    String what =
        "restore into the warm process: load request to the guest's first output"
            + " (QEMU: migrate-incoming from a file, cont)";
    table.add(what + ", p50", "ms", Table.percentile(output, 50), Table.percentile(qemu, 50), true);
    table.add(what + ", p90", "ms", Table.percentile(output, 90), Table.percentile(qemu, 90), true);
    table.row(
        "restore into the warm process: load request to its answer (guest resumed), p50 / p90",
        Table.p50p90(answered, "ms"),
        "-",
        "-",
        "lower is better");
  }
}
