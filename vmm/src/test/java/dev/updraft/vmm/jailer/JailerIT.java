package dev.updraft.vmm.jailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.Curl;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jailer as root, exec'ing updraft's VMM (a JVM) into {@code <base>/updraft.jar/<id>/root}:
 * Firecracker's curl sequence boots a guest through the jailed socket; the VMM cannot open host
 * paths outside the jail, runs as the given uid and gid, owns its files and devices, and has none
 * of the jailer's descriptors; its cgroup's limits hold.
 */
@Tag("root")
@EnabledIf(value = "dev.updraft.sys.Host#isRoot", disabledReason = "needs root")
@NeedsProgram(value = "curl", debian = "curl")
class JailerIT {
  private static final int NOBODY = 65534;
  private static final String SOCKET = "run/firecracker.socket";
  @TempDir static Path app;
  @TempDir Path base;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> cgroups = new ArrayList<>();
  private String id;
  private Path root;

  /**
   * A jar like cli/target/updraft.jar: the VMM's classes and libraries on its Class-Path under
   * {@code lib/}, copied from this test's class path.
   */
  @BeforeAll
  static void packageTheVmm() throws IOException {
    Path lib = Files.createDirectories(app.resolve("lib"));
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(":")) {
      Path jar = Path.of(entry);
      String name = jar.getFileName().toString();
      if (!name.endsWith(".jar")
          || name.matches("(junit|assertj|jazzer|opentest4j|apiguardian|archunit|byte-buddy).*")) {
        continue;
      }
      Files.copy(jar, lib.resolve(name));
      classPath.add("lib/" + name);
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    try (OutputStream out = Files.newOutputStream(app.resolve("updraft.jar"));
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (Path cgroup : cgroups) {
      try {
        Files.deleteIfExists(cgroup); // rmdir of an empty cgroup
      } catch (IOException e) {
        // A parent another jail still uses stays.
      }
    }
  }

  @Test
  @Tag("kvm")
  @EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
  @NeedsProgram(value = "gcc", debian = "gcc")
  void firecrackersCurlSequenceBootsAGuestThroughTheJailedSocket() throws Exception {
    prepare();
    Files.copy(GuestImages.pvh("blk"), root.resolve("vmlinux"));
    Files.write(root.resolve("rootfs.ext4"), new byte[1 << 20]);
    own(root.resolve("vmlinux"));
    own(root.resolve("rootfs.ext4"));
    Path console = base.resolve("console.txt");
    Process jailer = jailer(console, "--cgroup-version", "2");
    Path socket = awaitSocket(jailer, console);

    assertThat(curl(socket, "PUT", "/logger", "{\"log_path\": \"fc.log\", \"level\": \"Info\"}"))
        .isEqualTo("204");
    assertThat(
            curl(
                socket,
                "PUT",
                "/boot-source",
                "{\"kernel_image_path\": \"vmlinux\", \"boot_args\": \"console=ttyS0 reboot=k"
                    + " panic=1 expect_sectors=2048\"}"))
        .isEqualTo("204");
    assertThat(
            curl(
                socket,
                "PUT",
                "/drives/rootfs",
                "{\"drive_id\": \"rootfs\", \"path_on_host\": \"rootfs.ext4\", \"is_root_device\":"
                    + " true, \"is_read_only\": false}"))
        .isEqualTo("204");
    assertThat(curl(socket, "PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 128}"))
        .isEqualTo("204");
    assertThat(curl(socket, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
        .isEqualTo("204");

    assertThat(jailer.waitFor(120, TimeUnit.SECONDS)).as("the VMM ends with its guest").isTrue();
    assertThat(jailer.exitValue()).as(Files.readString(console)).isZero();
    GuestReport.parse(Files.readString(console)).requirePassed("blk-read", "blk-write");
    assertThat(Files.getAttribute(root.resolve("fc.log"), "unix:uid"))
        .as("a file the VMM made")
        .isEqualTo(NOBODY);
    assertThat(Files.readString(root.resolve("fc.log"))).contains("Successfully started microvm");
  }

  @Test
  @Tag("kvm")
  @EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
  @NeedsProgram(value = "gcc", debian = "gcc")
  void serveRunsJailedAndHostsAVmThroughItsSocket() throws Exception {
    prepare();
    Files.copy(GuestImages.pvh("pause"), root.resolve("vmlinux"));
    own(root.resolve("vmlinux"));
    Path console = base.resolve("console.txt");
    Process jailer = jailer(console, "--", "serve", "--socket-dir", "/run");
    Path management = root.resolve("run/management.socket");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(management)) {
      assertThat(jailer.isAlive()).as("jailed serve runs:%n%s", Files.readString(console)).isTrue();
      assertThat(System.nanoTime()).as("management socket within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(curl(management, "POST", "/vms", "{\"id\": \"a\", \"serial_out_path\": \"/a.txt\"}"))
        .startsWith("201 ")
        .contains("\"api_sock\":\"/run/a.sock\"");
    Path socket = root.resolve("run/a.sock");
    assertThat(
            curl(
                socket,
                "PUT",
                "/boot-source",
                "{\"kernel_image_path\": \"vmlinux\", \"boot_args\": \"ticks=100000 period_ms=100\"}"))
        .as("jailed serve's output:%n%s", Files.readString(console))
        .isEqualTo("204");
    assertThat(curl(socket, "PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 32}"))
        .as("jailed serve's output:%n%s", Files.readString(console))
        .isEqualTo("204");
    assertThat(curl(socket, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
        .as("jailed serve's output:%n%s", Files.readString(console))
        .isEqualTo("204");
    Path guest = root.resolve("a.txt");
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(guest) || !Files.readString(guest).contains("tick 1 ")) {
      assertThat(jailer.isAlive()).as("jailed serve runs:%n%s", Files.readString(console)).isTrue();
      assertThat(System.nanoTime()).as("the guest ticks within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(Files.getAttribute(guest, "unix:uid")).as("a file serve made").isEqualTo(NOBODY);
    assertThat(curl(management, "DELETE", "/vms/a", null)).isEqualTo("204");
    assertThat(socket).doesNotExist();
  }

  @Test
  void theJailedVmmSeesOnlyItsJailAndRunsAsTheUid() throws Exception {
    prepare();
    Path hostFile = base.resolve("host-secret.img");
    Files.write(hostFile, new byte[4096]);
    Files.setAttribute(hostFile, "unix:uid", NOBODY);
    Path console = base.resolve("console.txt");
    Process jailer = jailer(console);
    Path socket = awaitSocket(jailer, console);
    long pid = jailer.pid();

    // The same path the host sees, and one that escapes upwards, both fail inside the jail.
    String outside =
        curl(
            socket,
            "PUT",
            "/drives/rootfs",
            "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
                + hostFile
                + "\", \"is_root_device\": true, \"is_read_only\": true}");
    assertThat(outside).startsWith("400 ").contains(hostFile.toString());
    String upwards =
        curl(
            socket,
            "PUT",
            "/boot-source",
            "{\"kernel_image_path\": \"../../../../" + base.relativize(hostFile) + "\"}");
    assertThat(upwards).startsWith("400 ");

    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    assertThat(status).containsPattern("Uid:\\s+65534\\s+65534\\s+65534\\s+65534");
    assertThat(status).containsPattern("Gid:\\s+65534\\s+65534\\s+65534\\s+65534");
    assertThat(status).containsPattern("Groups:\\s*\\n");
    for (String node : List.of("dev/kvm", "dev/net/tun", "dev/urandom", SOCKET, "run")) {
      assertThat(Files.getAttribute(root.resolve(node), "unix:uid")).as(node).isEqualTo(NOBODY);
      assertThat(Files.getAttribute(root.resolve(node), "unix:gid")).as(node).isEqualTo(NOBODY);
    }
    assertThat(Files.getAttribute(root.resolve("dev/kvm"), "unix:rdev"))
        .isEqualTo((10L << 8) | 232);
    assertThat(Files.readString(root.resolve("updraft.jar.pid")).strip())
        .isEqualTo(Long.toString(pid));
    // The jailer's own JVM had its class path open; none of it reached the VMM.
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        String target = readLink(fd);
        assertThat(target).as("fd %s", fd.getFileName()).doesNotContain(".m2/repository");
      }
    }
  }

  @Test
  void cgroupV1LimitsHold() throws Exception {
    Path pids = Path.of("/sys/fs/cgroup/pids");
    assumeTrue(Files.exists(pids.resolve("cgroup.procs")), "needs the cgroup v1 pids hierarchy");
    prepare();
    // A JVM needs a dozen threads before main runs: with one task allowed it cannot start.
    Path console = base.resolve("console.txt");
    Process starved = jailer(console, "--cgroup", "pids.max=1");
    Path cgroup = pids.resolve("updraft.jar").resolve(id);
    cgroups.add(cgroup);
    cgroups.add(cgroup.getParent());
    assertThat(starved.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(starved.exitValue()).as(Files.readString(console)).isNotZero();
    assertThat(Files.readString(cgroup.resolve("pids.max")).strip()).isEqualTo("1");
    assertThat(Long.parseLong(Files.readString(cgroup.resolve("pids.events")).split("\\s+")[1]))
        .as("forks refused by pids.max")
        .isPositive();
  }

  @Test
  void cgroupV2PlacesTheVmmUnderItsParent() throws Exception {
    assumeTrue(
        Files.readString(Path.of("/proc/mounts")).contains(" cgroup2 "),
        "needs a cgroup2 hierarchy");
    prepare();
    Path console = base.resolve("console.txt");
    Process jailer =
        jailer(
            console,
            "--cgroup-version",
            "2",
            "--parent-cgroup",
            "updraft-it",
            "--cgroup",
            "cgroup.max.descendants=0");
    awaitSocket(jailer, console);
    String cgroup = Files.readString(Path.of("/proc", Long.toString(jailer.pid()), "cgroup"));
    assertThat(cgroup).contains("0::/updraft-it/" + id);
    String mount = "";
    for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
      String[] fields = line.split(" ");
      if (fields[2].equals("cgroup2")) {
        mount = fields[1];
      }
    }
    Path dir = Path.of(mount, "updraft-it", id);
    cgroups.add(dir);
    cgroups.add(dir.getParent());
    assertThat(Files.readString(dir.resolve("cgroup.max.descendants")).strip()).isEqualTo("0");
    jailer.destroyForcibly().waitFor();
  }

  @Test
  @NeedsProgram(value = "ip", debian = "iproute2")
  void newPidNamespaceAndNetworkNamespace() throws Exception {
    prepare();
    String netns = "updraft-" + id;
    run("ip", "netns", "add", netns);
    try {
      Path console = base.resolve("console.txt");
      Process jailer = jailer(console, "--new-pid-ns", "--netns", "/var/run/netns/" + netns);
      assertThat(jailer.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(jailer.exitValue()).as("the jailer outside the namespace exits").isZero();
      Path socket = root.resolve(SOCKET);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(socket)) {
        assertThat(System.nanoTime()).as(Files.readString(console)).isLessThan(deadline);
        Thread.sleep(20);
      }
      long pid = Long.parseLong(Files.readString(root.resolve("updraft.jar.pid")).strip());
      String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
      assertThat(status)
          .as("PID 1 of its own namespace")
          .containsPattern("NSpid:\\s+" + pid + "\\s+1\\n");
      assertThat(Files.getAttribute(Path.of("/proc", Long.toString(pid), "ns", "net"), "unix:ino"))
          .isEqualTo(Files.getAttribute(Path.of("/var/run/netns", netns), "unix:ino"));
      assertThat(curl(socket, "GET", "/", null)).startsWith("200 ");
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    } finally {
      run("ip", "netns", "del", netns);
    }
  }

  @Test
  @NeedsProgram(value = "setsid", debian = "util-linux")
  void daemonizeDetachesTheVmm() throws Exception {
    prepare();
    // setsid makes the jailer a session leader, where setsid(2) fails: it starts a detached copy.
    Path console = base.resolve("console.txt");
    List<String> command = new ArrayList<>(List.of("setsid"));
    command.addAll(jailerCommand("--daemonize"));
    Process jailer =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(console.toFile())
            .start();
    processes.add(jailer);
    assertThat(jailer.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jailer.exitValue()).as(Files.readString(console)).isZero();
    Path socket = root.resolve(SOCKET);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(socket)) {
      assertThat(System.nanoTime()).as("API socket within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    long pid = Long.parseLong(Files.readString(root.resolve("updraft.jar.pid")).strip());
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      assertThat(fields[3]).as("session id").isEqualTo(Long.toString(pid));
      for (int fd = 0; fd <= 2; fd++) {
        assertThat(readLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))))
            .isEqualTo("/dev/null");
      }
      assertThat(curl(socket, "GET", "/", null)).startsWith("200 ");
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  private void prepare() throws IOException {
    id = "it-" + UUID.randomUUID().toString().substring(0, 8);
    root = Files.createDirectories(base.resolve("updraft.jar").resolve(id).resolve("root"));
  }

  private Process jailer(Path console, String... flags) throws IOException {
    Process process =
        new ProcessBuilder(jailerCommand(flags))
            .redirectErrorStream(true)
            .redirectOutput(console.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    processes.add(process);
    return process;
  }

  private List<String> jailerCommand(String... flags) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(JailerMain.class.getName());
    command.addAll(
        List.of(
            "--id",
            id,
            "--exec-file",
            app.resolve("updraft.jar").toString(),
            "--uid",
            Integer.toString(NOBODY),
            "--gid",
            Integer.toString(NOBODY),
            "--chroot-base-dir",
            base.toString()));
    command.addAll(List.of(flags));
    return command;
  }

  private Path awaitSocket(Process jailer, Path console) throws Exception {
    Path socket = root.resolve(SOCKET);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(socket)) {
      assertThat(jailer.isAlive())
          .as("the jailed VMM runs:%n%s", Files.readString(console))
          .isTrue();
      assertThat(System.nanoTime()).as("API socket within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    return socket;
  }

  private static void own(Path path) throws IOException {
    Files.setAttribute(path, "unix:uid", NOBODY);
    Files.setAttribute(path, "unix:gid", NOBODY);
  }

  private static String readLink(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return ""; // closed while listing
    }
  }

  private static String curl(Path socket, String method, String path, String body)
      throws Exception {
    return Curl.request(socket, method, path, body);
  }
}
