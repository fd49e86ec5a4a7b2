package dev.updraft.bench.vm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * updraft vm against QEMU's microvm machine (KVM) on the same freestanding test guests, in one run,
 * each figure the median of {@code runs}: process start to API socket ready, start command to first
 * guest output, process start to guest done, VMM memory outside guest RAM, MMIO and port exit round
 * trips, virtio-blk throughput, and snapshots against QEMU's migration to and from a file ({@link
 * SnapshotBench}), many microVMs in one serve process ({@link ServeBench}) and the seccomp filters'
 * cost on exits. PART is {@code all}, {@code snapshots}, {@code serve}, {@code restore} (the warm
 * process alone, with its phases: {@link WarmBench}; not part of all) or {@code seccomp}.
 *
 * <pre>java ... VmBench GUESTS_DIR RUNS PART VMM_COMMAND...</pre>
 */
public final class VmBench {
  static final long MEM_MIB = 128;

  /** Where the guests are, how to start updraft's VMM and QEMU, and the scratch directory. */
  record Setup(Path guests, List<String> vmm, Path work) {
    /** updraft's VMM with {@code args}. */
    List<String> updraft(String... args) {
      return concat(vmm, args);
    }

    /** QEMU's microvm machine with KVM on {@code guest}, console on stdout, 128 MiB. */
    List<String> qemu(String guest, String args, String... extra) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "qemu-system-x86_64",
                  "-M",
                  "microvm,x-option-roms=off,isa-serial=on,rtc=off,acpi=off",
                  "-enable-kvm",
                  "-cpu",
                  "host,-arch-capabilities",
                  "-global",
                  "virtio-mmio.force-legacy=false",
                  "-m",
                  Long.toString(MEM_MIB),
                  "-nodefaults",
                  "-no-reboot",
                  "-display",
                  "none",
                  "-serial",
                  "stdio",
                  "-device",
                  "isa-debug-exit,iobase=0xf4",
                  "-kernel",
                  guest(guest),
                  "-append",
                  args));
      command.addAll(List.of(extra));
      return command;
    }

    String guest(String name) {
      return guests.resolve(name + ".elf").toString();
    }
  }

  private static final List<String> PARTS =
      List.of("all", "snapshots", "serve", "restore", "seccomp");
  private static final Pattern CYCLES = Pattern.compile("(\\d+) cycles (\\d+) ns");

  private final Path guests;
  private final List<String> vmm;
  private final Path work;
  private final Table table = new Table();
  private final List<Double> bootTimer = new ArrayList<>();
  private static final Pattern BOOT_TIME = Pattern.compile("Guest-boot-time =\\s+(\\d+) us");

  private VmBench(Path guests, List<String> vmm, Path work) {
    this.guests = guests;
    this.vmm = vmm;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4 || !PARTS.contains(args[2])) {
      System.err.println("usage: VmBench GUESTS_DIR RUNS " + String.join("|", PARTS) + " VMM...");
      System.exit(2);
    }
    Path work = Files.createTempDirectory("updraft-bench-vm");
    VmBench bench =
        new VmBench(Path.of(args[0]), List.of(Arrays.copyOfRange(args, 3, args.length)), work);
    int runs = Integer.parseInt(args[1]);
    String part = args[2];
    System.out.println("  load average at the start: " + loadAverage());
    try {
      if (part.equals("all")) {
        bench.all(runs);
      }
      if (part.equals("all") || part.equals("snapshots")) {
        bench.snapshots(runs);
      }
      if (part.equals("all") || part.equals("serve")) {
        new ServeBench(bench.setup(), bench.table).run();
      }
      if (part.equals("restore")) {
        // VM_BENCH_BASELINE: another build's VMM command (space-separated), run alternately.
        String other = System.getenv("VM_BENCH_BASELINE");
        Setup baseline =
            other == null || other.isBlank()
                ? null
                : new Setup(bench.guests, List.of(other.strip().split("\\s+")), bench.work);
        new WarmBench(bench.setup(), baseline, bench.table).run();
      }
      if (part.equals("all") || part.equals("seccomp")) {
        bench.seccomp(runs);
      }
      bench.table.print();
      System.out.println("load average at the end: " + loadAverage());
    } finally {
      // Each snapshot run leaves a 128 MiB memory file and QEMU's stream of the same size.
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The 1, 5 and 15 minute load averages, to print with the figures. */
  static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private Setup setup() {
    return new Setup(guests, vmm, work);
  }

  private void all(int runs) throws Exception {
    table.compare(
        "API socket ready after process start",
        "ms",
        runs,
        true,
        this::apiReadyUpdraft,
        this::apiReadyQemu);
    table.compare(
        "start command to first guest output",
        "ms",
        runs,
        true,
        this::firstOutputUpdraft,
        this::firstOutputQemu);
    if (!bootTimer.isEmpty()) {
      double median = Table.median(bootTimer.stream().mapToDouble(Double::doubleValue).toArray());
      table.row(
          "InstanceStart to the guest's boot-timer write (Firecracker's boot time)",
          Table.fmt(median) + " ms",
          "no such device",
          "-",
          "lower is better");
    }
    table.compare(
        "process start to guest done (boottimer guest)",
        "ms",
        runs,
        true,
        r -> totalUpdraft(),
        r -> totalQemu());
    table.compare(
        "VMM resident memory outside guest RAM",
        "MiB",
        Math.min(runs, 3),
        true,
        r -> rssUpdraft(),
        r -> rssQemu());
    table.compare(
        "MMIO read exit round trip (guest-measured)",
        "us",
        Math.min(runs, 3),
        true,
        r -> exitUpdraft("mmio_read"),
        r -> exitQemu("mmio_read"));
    table.compare(
        "port write exit round trip (guest-measured)",
        "us",
        Math.min(runs, 3),
        true,
        r -> exitUpdraft("pio_write"),
        r -> exitQemu("pio_write"));
    table.compare(
        "virtio-blk sequential read, 128 KiB requests",
        "MiB/s",
        Math.min(runs, 3),
        false,
        r -> blkUpdraft(),
        r -> blkQemu());
  }

  private void snapshots(int runs) throws Exception {
    SnapshotBench snap = new SnapshotBench(new Setup(guests, vmm, work));
    table.compare(
        "snapshot create, Full (QEMU: migrate to a file), paused guest",
        "ms",
        runs,
        true,
        snap::createUpdraft,
        snap::createQemu);
    table.compare(
        "restore: load request to the guest's first output (QEMU: migrate-incoming)",
        "ms",
        runs,
        true,
        snap::loadToOutputUpdraft,
        snap::loadToOutputQemu);
    if (!snap.firstKvmRun().isEmpty()) {
      double median =
          Table.median(snap.firstKvmRun().stream().mapToDouble(Double::doubleValue).toArray());
      table.row(
          "restore: load request to the restored vCPU's first KVM_RUN (VMM log)",
          Table.fmt(median) + " ms",
          "-",
          "-",
          "lower is better");
    }
    table.compare(
        "restore: process start to the guest's first output (QEMU: -incoming)",
        "ms",
        runs,
        true,
        snap::startToOutputUpdraft,
        snap::startToOutputQemu);
    table.row(
        "snapshot files of the 128 MiB guest (state + memory; QEMU: its migration stream)",
        Table.fmt(snap.stateBytes() / 1024.0)
            + " KiB + "
            + Table.fmt(snap.memoryBytes() / 1048576.0)
            + " MiB",
        Table.fmt(snap.migrationBytes() / 1048576.0) + " MiB",
        "-",
        "-");
  }

  /**
   * The seccomp filters' cost on exits: the same exit-heavy guest with the default filters and with
   * {@code --no-seccomp}; the anchor column is updraft without filters.
   */
  private void seccomp(int runs) throws Exception {
    for (String key : List.of("mmio_read", "pio_write")) {
      table.compare(
          key.replace('_', ' ') + " exit round trip, default filters (anchor: --no-seccomp)",
          "us",
          runs,
          true,
          r -> exitUpdraft(key),
          r -> exitUpdraft(key, "--no-seccomp"));
    }
  }

  // --- API readiness -------------------------------------------------------------------------

  private double apiReadyUpdraft(int run) throws Exception {
    Path socket = work.resolve("fc-" + run + ".sock");
    return timeToSocket(
        concat(vmm, "--api-sock", socket.toString(), "--log-path", log(run)), socket);
  }

  private double apiReadyQemu(int run) throws Exception {
    Path socket = work.resolve("qmp-" + run + ".sock");
    return timeToSocket(qmpPaused("boottimer", socket), socket);
  }

  private static double timeToSocket(List<String> command, Path socket) throws Exception {
    long start = System.nanoTime();
    Console c = Console.start(command);
    try {
      awaitSocket(socket, c).close();
      return millis(System.nanoTime() - start);
    } finally {
      c.kill();
      Files.deleteIfExists(socket);
    }
  }

  /** QEMU stopped before the guest's first instruction, with QMP on {@code socket}. */
  private List<String> qmpPaused(String guest, Path socket) {
    return qemu(guest, "", "-S", "-qmp", "unix:" + socket + ",server=on,wait=off");
  }

  // --- InstanceStart / cont to the guest's first byte ----------------------------------------

  private double firstOutputUpdraft(int run) throws Exception {
    Path socket = work.resolve("fc-start-" + run + ".sock");
    Console c =
        Console.start(
            concat(vmm, "--api-sock", socket.toString(), "--log-path", log(run), "--boot-timer"));
    try (UnixHttp api = awaitSocket(socket, c)) {
      check(
          api.request(
              "PUT", "/boot-source", "{\"kernel_image_path\": \"" + guest("boottimer") + "\"}"));
      check(
          api.request(
              "PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": " + MEM_MIB + "}"));
      long start = System.nanoTime();
      check(api.request("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"));
      c.await("done", 30_000);
      double first = millis(c.firstByteNanos() - start);
      Matcher boot = BOOT_TIME.matcher(Files.readString(Path.of(log(run))));
      if (boot.find()) {
        bootTimer.add(Long.parseLong(boot.group(1)) / 1000.0);
      }
      return first;
    } finally {
      c.kill();
      Files.deleteIfExists(socket);
    }
  }

  private double firstOutputQemu(int run) throws Exception {
    Path socket = work.resolve("qmp-start-" + run + ".sock");
    Console c = Console.start(qmpPaused("boottimer", socket));
    try (UnixHttp qmp = awaitSocket(socket, c)) {
      qmp.readLine(); // greeting
      qmp.write("{\"execute\": \"qmp_capabilities\"}\n");
      qmp.readLine();
      long start = System.nanoTime();
      qmp.write("{\"execute\": \"cont\"}\n");
      c.await("done", 30_000);
      return millis(c.firstByteNanos() - start);
    } finally {
      c.kill();
      Files.deleteIfExists(socket);
    }
  }

  // --- whole runs ----------------------------------------------------------------------------

  private double totalUpdraft() throws Exception {
    long start = System.nanoTime();
    Console c = Console.start(noApi("boottimer", "", null));
    try {
      return millis(c.await("done", 30_000) - start);
    } finally {
      c.kill();
    }
  }

  private double totalQemu() throws Exception {
    long start = System.nanoTime();
    Console c = Console.start(qemu("boottimer", ""));
    try {
      return millis(c.await("done", 30_000) - start);
    } finally {
      c.kill();
    }
  }

  private double rssUpdraft() throws Exception {
    Console c = Console.start(noApi("serial", "wait_ms=30000", null));
    return rss(c);
  }

  private double rssQemu() throws Exception {
    return rss(Console.start(qemu("serial", "wait_ms=30000")));
  }

  private double rss(Console c) throws Exception {
    try {
      c.await("ready", 30_000);
      Thread.sleep(300);
      long pid =
          c.process().descendants().map(ProcessHandle::pid).findFirst().orElse(c.process().pid());
      return Smaps.overheadKib(pid, MEM_MIB << 20) / 1024.0;
    } finally {
      c.kill();
    }
  }

  private double exitUpdraft(String key, String... flags) throws Exception {
    return exitCost(
        Console.start(concat(noApi("mmio", "count=20000", "\"entropy\": {}"), flags)), key);
  }

  private double exitQemu(String key) throws Exception {
    return exitCost(
        Console.start(qemu("mmio", "count=20000", "-device", "virtio-rng-device")), key);
  }

  private static double exitCost(Console c, String key) throws Exception {
    try {
      c.await("done", 120_000);
      Matcher m = CYCLES.matcher(c.info(key).orElseThrow());
      if (!m.find()) {
        throw new IllegalStateException(key + ": no cycles in the guest's report");
      }
      return Long.parseLong(m.group(2)) / 1000.0;
    } finally {
      c.kill();
    }
  }

  private double blkUpdraft() throws Exception {
    Path disk = disk();
    String drive =
        "\"drives\": [{\"drive_id\": \"data\", \"path_on_host\": \""
            + disk
            + "\", \"is_root_device\": false, \"is_read_only\": true}]";
    return blk(Console.start(noApi("blkbench", "mib=64 req_kib=128", drive)));
  }

  private double blkQemu() throws Exception {
    Path disk = disk();
    return blk(
        Console.start(
            qemu(
                "blkbench",
                "mib=64 req_kib=128",
                "-drive",
                "id=d0,file=" + disk + ",format=raw,if=none,readonly=on",
                "-device",
                "virtio-blk-device,drive=d0")));
  }

  private static double blk(Console c) throws Exception {
    try {
      c.await("done", 120_000);
      return Double.parseDouble(c.info("mib_per_s").orElseThrow());
    } finally {
      c.kill();
    }
  }

  // --- plumbing ------------------------------------------------------------------------------

  private List<String> noApi(String guest, String args, String devices) throws IOException {
    Path config = Files.createTempFile(work, guest, ".json");
    String json =
        "{\"boot-source\": {\"kernel_image_path\": \""
            + guest(guest)
            + "\", \"boot_args\": \""
            + args
            + "\"}, \"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": "
            + MEM_MIB
            + "}"
            + (devices == null ? "" : ", " + devices)
            + "}";
    Files.writeString(config, json);
    return concat(
        vmm,
        "--no-api",
        "--config-file",
        config.toString(),
        "--log-path",
        work.resolve(guest + ".log").toString());
  }

  private List<String> qemu(String guest, String args, String... extra) {
    return new Setup(guests, vmm, work).qemu(guest, args, extra);
  }

  private String guest(String name) {
    return guests.resolve(name + ".elf").toString();
  }

  private String log(int run) {
    return work.resolve("fc-" + run + ".log").toString();
  }

  private Path disk() throws IOException {
    Path disk = work.resolve("disk.img");
    if (!Files.exists(disk)) {
      try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
        file.setLength(64L << 20);
      }
    }
    return disk;
  }

  static UnixHttp awaitSocket(Path socket, Console c) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(socket)) {
        UnixHttp connection = UnixHttp.tryConnect(socket);
        if (connection != null) {
          return connection;
        }
      }
      if (!c.process().isAlive()) {
        throw new IllegalStateException("the VMM exited before its socket was ready");
      }
      // Not a spin: on two cores a spinning poller would steal the CPU the VMM starts on.
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
    throw new IllegalStateException("no socket at " + socket + " within 30 s");
  }

  static void check(int status) {
    if (status / 100 != 2) {
      throw new IllegalStateException("API answered " + status);
    }
  }

  static List<String> concat(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  static double millis(long nanos) {
    return nanos / 1e6;
  }
}
