package dev.updraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ErrorReporterTest {
  @Command(name = "boom")
  static final class Boom implements Runnable {
    @Override
    public void run() {
      throw new IllegalArgumentException("mem_size_mib: 0 (expected: >= 128)");
    }
  }

  private final StringWriter err = new StringWriter();

  @AfterEach
  void resetDebug() {
    ErrorReporter.debug = false;
  }

  private int execute() {
    CommandLine commandLine = new CommandLine(new Boom());
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setExecutionExceptionHandler(new ErrorReporter());
    return commandLine.execute();
  }

  @Test
  void failureIsOneClearLineAndExitCodeOne() {
    assertThat(execute()).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("updraft: mem_size_mib: 0 (expected: >= 128)")
        .contains("--debug")
        .doesNotContain("\tat ");
  }

  @Test
  void debugAddsTheStackTrace() {
    ErrorReporter.debug = true;
    assertThat(execute()).isEqualTo(1);
    assertThat(err.toString()).contains("IllegalArgumentException").contains("\tat ");
  }

  @Test
  void exceptionWithoutMessageIsNamed() {
    assertThat(ErrorReporter.describe(new IllegalStateException()))
        .isEqualTo("IllegalStateException");
  }
}
