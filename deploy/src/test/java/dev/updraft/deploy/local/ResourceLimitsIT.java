package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.apply.Target;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.spec.Service;
import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resources} on the real local target: an instance and what it starts run inside a cgroup
 * with the limits of the spec, a run over its memory is killed and reported as such, and the
 * cgroups go with the environment.
 */
@Tag("root")
@EnabledIf(
    value = "enforceable",
    disabledReason = "needs root and a writable cgroup v1 or v2 hierarchy with memory and cpu")
@NeedsProgram(value = "busybox", debian = "busybox-static")
class ResourceLimitsIT {
  private static final Service.Resources LIMITS = new Service.Resources("64Mi", 0.2);
  // Holds 300 MB in a shell variable: far over 64Mi.
  private static final String HOG = "x=$(head -c 300000000 /dev/zero | tr \"\\0\" a); echo held";

  @TempDir Path dir;
  private Path spec;
  private final List<Event> events = new CopyOnWriteArrayList<>();

  static boolean enforceable() {
    return Host.isRoot() && Cgroups.detect(Path.of("/tmp/updraft-probe")).unenforced().isEmpty();
  }

  @BeforeEach
  void writeSite() throws IOException {
    Files.createDirectories(dir.resolve("site"));
    Files.writeString(dir.resolve("site/index.html"), "limited\n");
    Files.writeString(
        dir.resolve("site/serve.sh"),
        """
        # A busy loop beside the server when asked: the cgroup's quota holds for both.
        if [ -n "$SPIN" ]; then (while :; do :; done) & fi
        if [ -n "$HOG" ]; then eval "$HOG"; fi
        exec busybox httpd -f -p 127.0.0.1:$PORT -h .
        """);
    spec = dir.resolve("updraft.yaml");
  }

  @AfterEach
  void destroy() {
    try {
      engine().destroy();
    } catch (RuntimeException e) {
      // never applied
    }
  }

  private Engine engine() {
    return new Engine(
        spec,
        events::add,
        new Redactor(),
        System.getenv(),
        4,
        null,
        RuntimeTarget.factory(LocalRuntime::new));
  }

  private void write(String services) throws IOException {
    Files.writeString(spec, "environment: limits\n" + services);
  }

  private Cgroup cgroup(String id, Service.Resources resources) {
    return Cgroups.detect(dir.resolve(".updraft/limits")).group(id, resources);
  }

  /** The directories of the environment's cgroups, one per hierarchy. */
  private List<Path> environmentDirs() {
    String env = Cgroups.environment(dir.resolve(".updraft/limits"));
    return switch (Cgroups.detect(dir).layout()) {
      case Cgroups.V2 v2 -> List.of(v2.base().resolve(env));
      case Cgroups.V1 v1 -> List.of(v1.memory().resolve(env), v1.cpu().resolve(env));
      case Cgroups.Unavailable u -> throw new AssertionError(u.why());
    };
  }

  @Test
  void anInstanceAndItsChildrenRunWithinTheLimitsUntilDestroyRemovesTheCgroup() throws Exception {
    write(
        """
        applications:
          web:
            path: ./site
            command: bash serve.sh
            env: {SPIN: "1"}
            resources: {memory: 64Mi, cpu: 0.2}
        """);
    String id = engine().apply().services().get("web").instances().getFirst().id();
    long pid = pid(id);
    Cgroup cgroup = cgroup(id, LIMITS);
    List<Long> tree = new ArrayList<>(List.of(pid));
    ProcessHandle.of(pid).orElseThrow().descendants().forEach(p -> tree.add(p.pid()));
    assertThat(tree).as("the server and its busy loop").hasSizeGreaterThanOrEqualTo(2);
    for (Path group : cgroup.dirs()) {
      assertThat(procs(group)).as(group.toString()).containsAll(tree);
    }
    assertThat(Files.readString(Path.of("/proc/" + pid + "/cgroup")))
        .contains("/updraft/" + Cgroups.environment(dir.resolve(".updraft/limits")) + "/" + id);
    Path usage;
    Path stat;
    switch (Cgroups.detect(dir).layout()) {
      case Cgroups.V2 _ -> {
        Path leaf = cgroup.dirs().getFirst();
        assertThat(leaf.resolve("memory.max")).content().isEqualToIgnoringNewLines("67108864");
        assertThat(leaf.resolve("cpu.max")).content().isEqualToIgnoringNewLines("20000 100000");
        usage = leaf.resolve("cpu.stat");
        stat = usage;
      }
      case Cgroups.V1 _ -> {
        Path memory = cgroup.dirs().get(0);
        Path cpu = cgroup.dirs().get(1);
        assertThat(memory.resolve("memory.limit_in_bytes"))
            .content()
            .isEqualToIgnoringNewLines("67108864");
        assertThat(cpu.resolve("cpu.cfs_quota_us")).content().isEqualToIgnoringNewLines("20000");
        assertThat(cpu.resolve("cpu.cfs_period_us")).content().isEqualToIgnoringNewLines("100000");
        Path accounting = cgroup.dirs().size() > 2 ? cgroup.dirs().get(2) : cpu;
        usage = accounting.resolve("cpuacct.usage");
        stat = cpu.resolve("cpu.stat");
      }
      case Cgroups.Unavailable u -> throw new AssertionError(u.why());
    }
    long throttledBefore = counter(stat, "nr_throttled");
    long before = cpuNanos(usage);
    long start = System.nanoTime();
    Thread.sleep(2000);
    double cores = (double) (cpuNanos(usage) - before) / (System.nanoTime() - start);
    // 0.2 allowed; a generous bound so that a loaded machine cannot make it flake.
    assertThat(cores).as("cores the busy loop used").isLessThan(0.5);
    assertThat(counter(stat, "nr_throttled"))
        .as("periods throttled")
        .isGreaterThan(throttledBefore);

    engine().destroy();
    assertThat(cgroup.dirs()).allSatisfy(group -> assertThat(group).doesNotExist());
    assertThat(environmentDirs()).allSatisfy(group -> assertThat(group).doesNotExist());
  }

  @Test
  void aCronRunOverItsMemoryIsKilledForItAndSaysSo() throws Exception {
    write(
        """
        jobs:
          hog:
            path: ./site
            command: '%s'
            when: cron
            schedule: "0 3 * * *"
            resources: {memory: 64Mi}
        """
            .formatted(HOG));
    engine().apply();
    Target.JobRun run = engine().runJob("hog");
    assertThat(run.succeeded()).isFalse();
    assertThat(run.outcome()).isEqualTo("failed (exit 137, killed: out of memory (limit 64Mi))");
    assertThat(cgroup(run.id(), new Service.Resources("64Mi", null)).dirs().getFirst())
        .as("a schedule keeps its cgroup between runs")
        .isDirectory();
  }

  @Test
  void aJobOverItsMemoryFailsTheApplySayingWhy() throws Exception {
    write(
        """
        jobs:
          migrate:
            path: ./site
            command: '%s'
            resources: {memory: 64Mi}
        """
            .formatted(HOG));
    DeployException failure = applyFailure();
    assertThat(failure.tag()).isEqualTo("JOB_FAILED");
    assertThat(failure.getMessage())
        .isEqualTo("migrate: job exited with 137 (killed: out of memory (limit 64Mi))");
    assertThat(environmentDirs())
        .as("the run's cgroup is gone with it")
        .allSatisfy(group -> assertThat(group).doesNotExist());
  }

  @Test
  void anInstanceKilledForMemoryFailsItsHealthCheckSayingWhy() throws Exception {
    write(
        """
        applications:
          greedy:
            path: ./site
            command: bash serve.sh
            env: {HOG: '%s'}
            resources: {memory: 64Mi}
        """
            .formatted(HOG));
    DeployException failure = applyFailure();
    assertThat(failure.tag()).isEqualTo("UNHEALTHY");
    assertThat(failure.getMessage())
        .contains(
            "is not healthy: its process exited (exit 137, killed: out of memory (limit 64Mi))");
  }

  private DeployException applyFailure() {
    try {
      engine().apply();
    } catch (DeployException e) {
      return e;
    }
    throw new AssertionError("the apply succeeded");
  }

  private long pid(String id) {
    try (SupervisorClient client = SupervisorClient.connect(dir.resolve(".updraft/limits"))) {
      return client.call(Protocol.Request.of(Protocol.Op.STATUS)).processes().stream()
          .filter(p -> p.id().equals(id))
          .findFirst()
          .orElseThrow()
          .pid();
    }
  }

  private static List<Long> procs(Path group) throws IOException {
    return Files.readAllLines(group.resolve("cgroup.procs")).stream().map(Long::parseLong).toList();
  }

  /** cgroup v1's cpuacct.usage in nanoseconds, or v2's cpu.stat usage_usec. */
  private static long cpuNanos(Path file) throws IOException {
    return file.getFileName().toString().equals("cpu.stat")
        ? counter(file, "usage_usec") * 1000
        : Long.parseLong(Files.readString(file).trim());
  }

  private static long counter(Path file, String key) throws IOException {
    for (String line : Files.readAllLines(file)) {
      String[] fields = line.split(" ");
      if (fields[0].equals(key)) {
        return Long.parseLong(fields[1]);
      }
    }
    throw new AssertionError(file + " has no " + key);
  }
}
