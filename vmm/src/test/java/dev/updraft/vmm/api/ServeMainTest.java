package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher finds {@code serve} first or after the jailer's flags; bad flags are one line. */
class ServeMainTest {
  @TempDir Path dir;

  @Test
  void serveIsFoundFirstOrAfterTheJailersFlags() {
    assertThat(ServeMain.serveWord(new String[] {"serve", "--socket-dir", "/run"})).isZero();
    assertThat(
            ServeMain.serveWord(
                new String[] {"--id", "a", "--start-time-us", "1", "serve", "--socket-dir", "x"}))
        .isEqualTo(4);
    assertThat(ServeMain.serveWord(new String[] {"--api-sock", "serve"})).isEqualTo(-1);
    assertThat(ServeMain.serveWord(new String[] {"--id", "serve"})).isEqualTo(-1);
    assertThat(ServeMain.withoutWord(new String[] {"--id", "a", "serve", "--no-seccomp"}, 2))
        .containsExactly("--id", "a", "--no-seccomp");
  }

  @Test
  void badFlagsNameTheFlagTheValueAndTheExpectation() {
    assertThat(run("--socket-dir"))
        .contains("Error: --socket-dir: missing value (expected: a path)");
    assertThat(run()).contains("Error: --socket-dir: missing (expected: a directory");
    assertThat(run("--socket-dir", dir.resolve("nope").toString()))
        .contains("nope (expected: an existing directory the VMM can write to)");
    assertThat(run("--socket-dir", dir.toString(), "--bogus"))
        .contains("argument \"--bogus\": unknown (expected: --socket-dir DIR");
    assertThat(run("--socket-dir", dir.toString(), "--no-seccomp", "--seccomp-filter", "f"))
        .contains("--no-seccomp and --seccomp-filter exclude each other");
  }

  private static String run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ServeMain.run(
            args,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(ExitCode.ARG_PARSING);
    return err.toString(StandardCharsets.UTF_8);
  }
}
