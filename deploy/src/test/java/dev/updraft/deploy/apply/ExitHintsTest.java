package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitHintsTest {
  private static final String FIELD = "applications.web.command";

  @Test
  void exit127NamesTheProgramTheShellDidNotFind() {
    assertThat(
            ExitHints.hint(
                127,
                "PYTHONUNBUFFERED=1 python9 app.py",
                "starting\n/bin/sh: 1: python9: not found",
                FIELD))
        .hasValue(
            "python9 was not found on the PATH: install it on this machine, or fix "
                + FIELD
                + " (it runs as sh -c COMMAND, as on Kubernetes)");
    assertThat(ExitHints.hint(127, "exec serve", "bash: line 1: serve: command not found", FIELD))
        .hasValueSatisfying(h -> assertThat(h).startsWith("serve was not found on the PATH"));
    assertThat(ExitHints.hint(127, "cd web && ./run", "  | sh: 1: ./run: not found", FIELD))
        .hasValueSatisfying(
            h -> assertThat(h).startsWith("./run was not found (or the interpreter its #!"));
  }

  @Test
  void withoutTheShellsWordsTheCommandNamesTheProgram() {
    assertThat(ExitHints.hint(127, "A=1 B=2 no-such-program-here --flag && ls", "", FIELD))
        .hasValueSatisfying(h -> assertThat(h).startsWith("no-such-program-here was not found"));
    assertThat(
            dev.updraft.deploy.spec.Commands.programs(
                "cd web && PYTHONUNBUFFERED=1 exec python3 app.py | tee x; ls"))
        .containsExactly("python3", "tee", "ls");
  }

  @Test
  void exit126SaysTheProgramIsNotExecutable() {
    assertThat(
            ExitHints.hint(126, "cd web && ./run", "/bin/sh: 1: ./run: Permission denied", FIELD))
        .hasValueSatisfying(
            h ->
                assertThat(h)
                    .startsWith("./run is not executable: chmod +x it in the service's source")
                    .contains("(sh ./run)")
                    .endsWith(FIELD));
    assertThat(ExitHints.hint(126, "./web", "/bin/sh: 1: ./web: Permission denied\n", FIELD))
        .isPresent();
  }

  @Test
  void otherCodesHaveNoHintHere() {
    assertThat(ExitHints.hint(1, "run", "/bin/sh: 1: x: not found", FIELD)).isEmpty();
    assertThat(ExitHints.hint(137, "run", "", FIELD)).isEmpty();
  }
}
