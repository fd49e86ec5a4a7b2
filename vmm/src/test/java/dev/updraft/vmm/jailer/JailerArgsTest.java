package dev.updraft.vmm.jailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.sys.Confinement.Resource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JailerArgsTest {
  private static final String[] REQUIRED = {
    "--id", "vm-1", "--exec-file", "/usr/bin/updraft.jar", "--uid", "123", "--gid", "456"
  };

  private static JailerOptions parse(String... more) {
    String[] args = new String[REQUIRED.length + more.length];
    System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
    System.arraycopy(more, 0, args, REQUIRED.length, more.length);
    return ((JailerArgs.Run) JailerArgs.parse(args)).options();
  }

  @Test
  void firecrackersFlagsWithTheirMeaning() {
    JailerOptions options =
        parse(
            "--chroot-base-dir=/jails",
            "--netns",
            "/var/run/netns/vm1",
            "--daemonize",
            "--new-pid-ns",
            "--cgroup-version",
            "2",
            "--cgroup",
            "pids.max=100",
            "--cgroup",
            "memory.max=268435456",
            "--parent-cgroup",
            "fleet/a",
            "--resource-limit",
            "no-file=1024",
            "--resource-limit",
            "fsize=1048576",
            "--",
            "--api-sock",
            "/run/fc.sock",
            "--level",
            "Debug");
    assertThat(options.uid()).isEqualTo(123);
    assertThat(options.gid()).isEqualTo(456);
    assertThat(options.chrootDir()).isEqualTo(Path.of("/jails/updraft.jar/vm-1/root"));
    assertThat(options.netns()).isEqualTo(Path.of("/var/run/netns/vm1"));
    assertThat(options.daemonize()).isTrue();
    assertThat(options.newPidNs()).isTrue();
    assertThat(options.cgroupVersion()).isEqualTo(2);
    assertThat(options.cgroups())
        .containsExactly(
            new CgroupSetting("pids.max", "100"), new CgroupSetting("memory.max", "268435456"));
    assertThat(options.cgroupPath()).isEqualTo("fleet/a/vm-1");
    assertThat(options.resourceLimits())
        .containsExactly(
            new ResourceLimit(Resource.NOFILE, 1024), new ResourceLimit(Resource.FSIZE, 1048576));
    assertThat(options.vmmArgs()).containsExactly("--api-sock", "/run/fc.sock", "--level", "Debug");
  }

  @Test
  void firecrackersDefaults() {
    JailerOptions options = parse();
    assertThat(options.chrootDir()).isEqualTo(Path.of("/srv/jailer/updraft.jar/vm-1/root"));
    assertThat(options.cgroupVersion()).isEqualTo(1);
    assertThat(options.cgroupPath()).isEqualTo("updraft.jar/vm-1");
    assertThat(options.vmmArgs()).isEmpty();
    assertThat(options.daemonize()).isFalse();
  }

  @Test
  void badValuesNameTheFlagTheValueAndTheExpectation() {
    List<List<String>> cases =
        List.of(
            List.of("--uid", "nobody"),
            List.of("--cgroup-version", "3"),
            List.of("--cgroup", "pids.max"),
            List.of("--resource-limit", "cores=1"),
            List.of("--resource-limit", "no-file=lots"),
            List.of("--parent-cgroup", "/abs"),
            List.of("--parent-cgroup", "a/../b"));
    List<String> messages =
        List.of(
            "--uid: \"nobody\" (expected: a numeric id 0..4294967294 (Invalid uid))",
            "--cgroup-version: \"3\" (expected: 1 or 2 (3 is an invalid cgroup version specifier))",
            "--cgroup: \"pids.max\" (expected: <cgroup_file>=<value>, e.g. pids.max=100)",
            "--resource-limit: \"cores=1\" (expected: fsize or no-file)",
            "--resource-limit: \"no-file=lots\" (expected: a non-negative integer after '=')",
            "--parent-cgroup: \"/abs\" (expected: a relative path without '..' or '.' components)",
            "--parent-cgroup: \"a/../b\" (expected: a relative path without '..' or '.'"
                + " components)");
    for (int i = 0; i < cases.size(); i++) {
      String[] args = cases.get(i).toArray(String[]::new);
      if (args[0].equals("--uid")) {
        assertThatThrownBy(
                () ->
                    JailerArgs.parse(
                        "--id", "a", "--exec-file", "/x", "--uid", args[1], "--gid", "1"))
            .hasMessage(messages.get(i));
      } else {
        assertThatThrownBy(() -> parse(args)).hasMessage(messages.get(i));
      }
    }
    assertThatThrownBy(
            () -> JailerArgs.parse("--id", "a b", "--exec-file", "/x", "--uid", "1", "--gid", "1"))
        .hasMessage(
            "--id: \"a b\" (expected: letters, digits and hyphens, 1 to 64 characters (Invalid"
                + " instance ID))");
    assertThatThrownBy(() -> JailerArgs.parse("--id", "a", "--uid", "1", "--gid", "1"))
        .hasMessage("Argument '--exec-file' required, but not found.");
    assertThatThrownBy(() -> parse("--bogus"))
        .hasMessage(
            "Found argument '--bogus' which wasn't expected, or isn't valid in this context.");
    assertThatThrownBy(() -> parse("--id", "b"))
        .hasMessage("The argument '--id' was provided more than once.");
  }

  @Test
  void helpAndVersion() {
    assertThat(JailerArgs.parse("--help")).isInstanceOf(JailerArgs.Help.class);
    assertThat(JailerArgs.parse("--version")).isInstanceOf(JailerArgs.Version.class);
    assertThat(JailerArgs.help()).contains("--exec-file", "--cgroup-version", "--new-pid-ns");
  }
}
