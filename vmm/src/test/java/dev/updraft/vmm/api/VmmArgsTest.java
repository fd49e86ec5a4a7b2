package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.config.LogLevel;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.runtime.FakeHypervisor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmmArgsTest {
  private static VmmOptions options(String... args) {
    return ((VmmArgs.Run) VmmArgs.parse(args)).options();
  }

  @Test
  void defaultsAreFirecrackers() {
    VmmOptions options = options();
    assertThat(options).isEqualTo(VmmOptions.defaults());
    assertThat(options.apiSock()).isEqualTo(Path.of("/run/firecracker.socket"));
    assertThat(options.id()).isEqualTo("anonymous-instance");
    assertThat(options.httpApiMaxPayloadSize()).isEqualTo(51_200);
    assertThat(options.mmdsSizeLimit()).as("the payload limit").isEqualTo(51_200);
  }

  @Test
  void theMmdsFlagsTakeAFileAndALimit() {
    VmmOptions options =
        options(
            "--metadata", "/m.json", "--mmds-size-limit=1000000", "--http-api-max-payload-size=7");
    assertThat(options.metadata()).isEqualTo(Path.of("/m.json"));
    assertThat(options.mmdsSizeLimit()).isEqualTo(1_000_000);
    assertThat(options("--http-api-max-payload-size", "9").mmdsSizeLimit())
        .as("follows the payload limit")
        .isEqualTo(9);
    assertThatThrownBy(() -> VmmArgs.parse("--mmds-size-limit", "-1"))
        .hasMessage("--mmds-size-limit: \"-1\" (expected: a non-negative integer)");
  }

  @Test
  void everyFlagInBothSpellings() {
    VmmOptions options =
        options(
            "--api-sock",
            "/tmp/fc.sock",
            "--id=vm-42",
            "--config-file",
            "/c.json",
            "--no-api",
            "--log-path",
            "/l",
            "--level=debug",
            "--module",
            "dev.updraft",
            "--show-level",
            "--show-log-origin",
            "--metrics-path=/m",
            "--boot-timer",
            "--http-api-max-payload-size",
            "1000",
            "--start-time-us",
            "5",
            "--start-time-cpu-us=6",
            "--parent-cpu-time-us",
            "7",
            "--no-seccomp");
    assertThat(options)
        .isEqualTo(
            new VmmOptions(
                Path.of("/tmp/fc.sock"),
                "vm-42",
                Path.of("/c.json"),
                true,
                new LoggerConfig(Path.of("/l"), LogLevel.DEBUG, true, true, "dev.updraft"),
                Path.of("/m"),
                true,
                1000,
                5L,
                6L,
                7L,
                null,
                1000,
                null,
                true));
  }

  @Test
  void mistakesExitWith153() {
    for (String[] args :
        new String[][] {
          {"--nope"},
          {"positional"},
          {"--api-sock"},
          {"--id", "a", "--id", "b"},
          {"--no-api"},
          {"--id", "has space"},
          {"--id", "x".repeat(65)},
          {"--http-api-max-payload-size", "lots"},
          {"--boot-timer=yes"},
          {"--seccomp-filter", "f.json", "--no-seccomp"},
          {"--enable-pci"}
        }) {
      assertThatThrownBy(() -> VmmArgs.parse(args))
          .as(String.join(" ", args))
          .isInstanceOfSatisfying(
              VmmArgsException.class,
              e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ARG_PARSING));
    }
    assertThatThrownBy(() -> VmmArgs.parse("--nope"))
        .hasMessage(
            "Found argument '--nope' which wasn't expected, or isn't valid in this context.");
    assertThatThrownBy(() -> VmmArgs.parse("--no-api"))
        .hasMessage("--no-api requires --config-file");
    assertThatThrownBy(() -> VmmArgs.parse("--seccomp-filter", "f", "--no-seccomp"))
        .hasMessage("--no-seccomp and --seccomp-filter exclude each other");
  }

  @Test
  void aBadLevelIsABadConfiguration() {
    assertThatThrownBy(() -> VmmArgs.parse("--level", "loud"))
        .isInstanceOfSatisfying(
            VmmArgsException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_CONFIGURATION))
        .hasMessageStartingWith("Invalid value for logger level: --level: \"loud\"");
  }

  @Test
  void versionAndHelp() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
    FakeHypervisor hypervisor = new FakeHypervisor();
    assertThat(VmmMain.run(new String[] {"--version"}, hypervisor, stdout, stderr)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines().findFirst())
        .contains("Firecracker v1.17.0-dev");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\nupdraft ");
    out.reset();
    assertThat(VmmMain.run(new String[] {"-h"}, hypervisor, stdout, stderr)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--api-sock <PATH>")
        .contains("--no-api");
    assertThat(VmmMain.run(new String[] {"--bogus"}, hypervisor, stdout, stderr)).isEqualTo(153);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("Error: Found argument '--bogus'")
        .contains("For more information try --help.");
    assertThat(hypervisor.started()).isEmpty();
  }

  @Test
  void snapshotVersionsArePrintedAsFirecrackerPrintsThem(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
    FakeHypervisor hypervisor = new FakeHypervisor();
    assertThat(VmmMain.run(new String[] {"--snapshot-version"}, hypervisor, stdout, stderr))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("v1.3.0\n");

    Path notState = Files.writeString(dir.resolve("vm.mem"), "x".repeat(100));
    out.reset();
    assertThat(
            VmmMain.run(
                new String[] {"--describe-snapshot", notState.toString()},
                hypervisor,
                stdout,
                stderr))
        .isEqualTo(ExitCode.GENERIC_ERROR);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "Error: When printing Snapshot Data format: "
                + notState
                + ": not an updraft snapshot state file (its first 8 bytes are not \"UDVMSNAP\")\n");
    assertThat(VmmArgs.parse("--describe-snapshot", "vm.state"))
        .isEqualTo(new VmmArgs.DescribeSnapshot(Path.of("vm.state")));
    assertThatThrownBy(() -> VmmArgs.parse("--describe-snapshot"))
        .hasMessage("The argument '--describe-snapshot' requires a value but none was supplied");
    assertThat(hypervisor.started()).isEmpty();
  }
}
