package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection and the files a cgroup's limits are written to, on fake cgroup v1 and v2 trees: plain
 * directories where the kernel's control files are ordinary files the test writes or reads.
 */
class CgroupsTest {
  private static final Service.Resources LIMITS = new Service.Resources("64Mi", 0.2);
  @TempDir Path tmp;
  private Path root;
  private Path self;
  private final Path data = Path.of("/srv/shop/.updraft/shop");
  private final String env = Cgroups.environment(data);

  @BeforeEach
  void paths() {
    root = tmp.resolve("sys/fs/cgroup");
    self = tmp.resolve("self-cgroup");
  }

  private Cgroups detect(boolean writable) {
    return Cgroups.detect(new Cgroups.Detection(root, false, dir -> writable), self, data);
  }

  private void file(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void v2(String controllers) throws IOException {
    file(root.resolve("cgroup.controllers"), controllers + "\n");
    file(root.resolve("cgroup.subtree_control"), "\n");
    file(self, "0::/user.slice/session-1.scope\n");
  }

  private void v1(String selfLines) throws IOException {
    file(root.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
    file(root.resolve("cpu/cpu.cfs_quota_us"), "-1\n");
    file(root.resolve("cpuacct/cpuacct.usage"), "0\n");
    file(root.resolve("unified/cgroup.controllers"), "\n"); // the hybrid's empty v2
    file(self, selfLines);
  }

  @Test
  void theEnvironmentsDirectoryIsItsNameAndAHashOfItsDataDirectory() {
    assertThat(env).matches("shop-[0-9a-f]{8}").isEqualTo(Cgroups.environment(data));
    assertThat(Cgroups.environment(Path.of("/home/ann/shop/.updraft/shop"))).isNotEqualTo(env);
  }

  @Test
  void v2EnablesTheControllersDownTheTreeAndWritesTheLimits() throws IOException {
    v2("cpuset cpu io memory pids");
    Cgroups cgroups = detect(true);
    assertThat(cgroups.layout()).isEqualTo(new Cgroups.V2(root, root.resolve("updraft")));
    assertThat(cgroups.unenforced()).isEmpty();
    Cgroup cgroup = cgroups.group("web-abc-1", LIMITS);
    Path leaf = root.resolve("updraft").resolve(env).resolve("web-abc-1");
    Files.createDirectories(leaf);
    Files.writeString(leaf.resolve("memory.swap.max"), "max\n"); // the kernel has swap here
    cgroup.create();
    for (Path dir : List.of(root, root.resolve("updraft"), leaf.getParent())) {
      assertThat(dir.resolve("cgroup.subtree_control")).hasContent("+memory +cpu");
    }
    assertThat(leaf.resolve("memory.max")).hasContent("67108864");
    assertThat(leaf.resolve("memory.swap.max")).hasContent("0");
    assertThat(leaf.resolve("cpu.max")).hasContent("20000 100000");
    assertThat(cgroup.dirs()).containsExactly(leaf);
  }

  @Test
  void v2LeavesEnabledControllersAndAbsentSwapAlone() throws IOException {
    v2("cpu memory");
    Files.writeString(root.resolve("cgroup.subtree_control"), "cpu memory\n");
    Cgroup cgroup = detect(true).group("job-1", new Service.Resources("1.5Gi", null));
    cgroup.create();
    Path leaf = root.resolve("updraft").resolve(env).resolve("job-1");
    assertThat(root.resolve("cgroup.subtree_control")).hasContent("cpu memory");
    assertThat(leaf.resolve("memory.max")).hasContent("1610612736");
    assertThat(leaf.resolve("memory.swap.max")).doesNotExist();
    assertThat(leaf.resolve("cpu.max")).doesNotExist();
  }

  @Test
  void v1NestsUnderTheCgroupsUpdraftRunsInAndWritesEachHierarchy() throws IOException {
    v1("10:cpuset:/\n4:memory:/sandbox/42\n2:cpuacct:/\n1:cpu:/\n0::/\n");
    Cgroups cgroups = detect(true);
    Path memory = root.resolve("memory/sandbox/42/updraft").resolve(env).resolve("web-abc-1");
    Path cpu = root.resolve("cpu/updraft").resolve(env).resolve("web-abc-1");
    Path cpuacct = root.resolve("cpuacct/updraft").resolve(env).resolve("web-abc-1");
    Files.createDirectories(memory);
    Files.writeString(memory.resolve("memory.memsw.limit_in_bytes"), "-1\n");
    Cgroup cgroup = cgroups.group("web-abc-1", LIMITS);
    cgroup.create();
    assertThat(memory.resolve("memory.limit_in_bytes")).hasContent("67108864");
    assertThat(memory.resolve("memory.memsw.limit_in_bytes")).hasContent("67108864");
    assertThat(cpu.resolve("cpu.cfs_period_us")).hasContent("100000");
    assertThat(cpu.resolve("cpu.cfs_quota_us")).hasContent("20000");
    assertThat(cgroup.dirs()).containsExactly(memory, cpu, cpuacct);
    assertThat(cpuacct).isDirectory();
  }

  @Test
  void v1JoinsOnlyTheHierarchiesItsLimitsNeedAndCpuacctOnlyWhenApart() throws IOException {
    v1("4:memory:/\n1:cpu,cpuacct:/\n");
    // cpu and cpuacct co-mounted: both names lead to one hierarchy.
    Path both = root.resolve("cpu,cpuacct");
    Files.move(root.resolve("cpu"), both);
    Files.delete(root.resolve("cpuacct/cpuacct.usage"));
    Files.delete(root.resolve("cpuacct"));
    Files.writeString(both.resolve("cpuacct.usage"), "0\n");
    Files.createSymbolicLink(root.resolve("cpu"), both.getFileName());
    Files.createSymbolicLink(root.resolve("cpuacct"), both.getFileName());
    Cgroups cgroups = detect(true);
    assertThat(cgroups.group("a", new Service.Resources(null, 1.0)).dirs())
        .containsExactly(root.resolve("cpu/updraft").resolve(env).resolve("a"));
    assertThat(cgroups.group("b", new Service.Resources("500M", null)).dirs())
        .containsExactly(root.resolve("memory/updraft").resolve(env).resolve("b"));
    assertThat(cgroups.group("c", Service.Resources.NONE)).isSameAs(Cgroup.NONE);
    assertThat(cgroups.group("d", null)).isSameAs(Cgroup.NONE);
  }

  @Test
  void theWrapperEntersEveryHierarchyBeforeTheCommand() throws IOException {
    v1("4:memory:/\n2:cpuacct:/\n1:cpu:/\n");
    Cgroup cgroup = detect(true).group("web-1", LIMITS);
    List<String> command = List.of("bash", "-c", "exec java Hello");
    List<String> wrapped = cgroup.wrap(command);
    assertThat(wrapped.subList(0, 2)).containsExactly("/bin/sh", "-c");
    assertThat(wrapped.subList(3, wrapped.size()))
        .containsExactly(
            "updraft-cgroup",
            cgroup.dirs().get(0).resolve("cgroup.procs").toString(),
            cgroup.dirs().get(1).resolve("cgroup.procs").toString(),
            cgroup.dirs().get(2).resolve("cgroup.procs").toString(),
            "--",
            "bash",
            "-c",
            "exec java Hello");
    // Without limits only the umask remains: the command runs as the same pid, exec'ed.
    assertThat(Cgroup.NONE.wrap(command))
        .containsExactly(
            "/bin/sh",
            "-c",
            wrapped.get(2),
            "updraft-cgroup",
            "--",
            "bash",
            "-c",
            "exec java Hello");
    assertThat(wrapped.get(2)).startsWith("umask 077; ");
  }

  @Test
  void theOomCounterTellsAKillForMemory() throws IOException {
    v2("cpu memory");
    Cgroup cgroup = detect(true).group("web-1", LIMITS);
    cgroup.create();
    Path events = cgroup.dirs().getFirst().resolve("memory.events");
    Files.writeString(events, "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
    assertThat(cgroup.oomKills()).isEqualTo(1);
    assertThat(cgroup.ended(137, 0)).isEqualTo("exit 137, killed: out of memory (limit 64Mi)");
    assertThat(cgroup.ended(3, 1)).isEqualTo("exit 3");
    assertThat(cgroup.ended(null, 1)).isEqualTo("exit ?");
    assertThat(Cgroup.NONE.ended(137, 0)).isEqualTo("exit 137");
  }

  @Test
  void v1CountsKillsInOomControlElseOnlyASigkillAfterTheLimitWasHitIsOne() throws IOException {
    v1("4:memory:/\n1:cpu:/\n");
    Cgroup cgroup = detect(true).group("job-1", new Service.Resources("64Mi", null));
    cgroup.create();
    Path dir = cgroup.dirs().getFirst();
    Files.writeString(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
    Files.writeString(dir.resolve("memory.failcnt"), "3\n");
    // An old kernel: no oom_kill line, only how often usage hit the limit.
    assertThat(cgroup.oomKills()).isEqualTo(3);
    assertThat(cgroup.killedForMemory(0, 0)).isEmpty();
    assertThat(cgroup.killedForMemory(137, 0)).hasValue("killed: out of memory (limit 64Mi)");
    Files.writeString(
        dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    assertThat(cgroup.killedForMemory(1, 1)).hasValue("killed: out of memory (limit 64Mi)");
    assertThat(cgroup.killedForMemory(1, 2)).isEmpty();
  }

  @Test
  void withoutUsableCgroupsCommandsRunAsTheyAreAndTheReasonSaysWhatHelps() throws IOException {
    assertThat(detect(true).unenforced())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("no cgroup v2 hierarchy at " + root)
                    .endsWith("mount one of them"));
    v2("cpu io pids");
    assertThat(detect(true).unenforced())
        .hasValue(
            root.resolve("cgroup.controllers")
                + " lists no memory controller (it has: cpu io pids); enable it in the kernel");
    Files.delete(root.resolve("cgroup.controllers"));
    v1("4:memory:/\n1:cpu:/\n");
    Cgroups readOnly = detect(false);
    assertThat(readOnly.unenforced())
        .hasValue(root.resolve("memory") + " is not writable; run updraft as root");
    assertThat(readOnly.group("web-1", LIMITS)).isSameAs(Cgroup.NONE);
    Cgroups asRoot = Cgroups.detect(new Cgroups.Detection(root, true, dir -> false), self, data);
    assertThat(asRoot.unenforced().orElseThrow()).contains("mount the cgroup file system");
  }

  @Test
  void aCgroupThatCannotBeMadeLeavesTheCommandOutsideAndSaysWhyInTheLog() throws IOException {
    v2("cpu memory");
    Files.writeString(root.resolve("updraft"), "a file where the tree should go");
    Cgroups cgroups = detect(true);
    Path log = tmp.resolve("web-1.log");
    List<String> command = List.of("bash", "-c", "exec run");
    assertThat(cgroups.enter(cgroups.group("web-1", LIMITS), command, log))
        .isEqualTo(Cgroup.NONE.wrap(command))
        .endsWith("--", "bash", "-c", "exec run");
    assertThat(log).content().startsWith("[updraft] resources are not enforced: ");
    assertThat(cgroups.unenforced()).hasValueSatisfying(why -> assertThat(why).contains("updraft"));
  }

  @Test
  void leftoversOfStoppedInstancesGoAndSoDoEmptyParents() throws IOException {
    v2("cpu memory");
    Cgroups cgroups = detect(true);
    Path dir = root.resolve("updraft").resolve(env);
    Files.createDirectories(dir.resolve("old-1"));
    Files.createDirectories(dir.resolve("kept-1"));
    // A file stands in for a process: the kernel refuses to remove a populated cgroup.
    file(dir.resolve("busy-1/cgroup.procs"), "4242\n");
    cgroups.removeLeftovers(Set.of("kept-1"));
    assertThat(dir.resolve("old-1")).doesNotExist();
    assertThat(dir.resolve("kept-1")).isDirectory();
    assertThat(dir.resolve("busy-1")).isDirectory();
    Files.delete(dir.resolve("busy-1/cgroup.procs"));
    cgroups.removeLeftovers(Set.of());
    assertThat(root.resolve("updraft")).doesNotExist();
    assertThat(root).isDirectory();
  }
}
