package dev.updraft.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one clear line and exit code 1. The stack trace is
 * only for {@code --debug}: users should read what went wrong, not where in the code.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  static final int FAILURE = 1;

  // Set by the root command's --debug option before any command runs.
  static volatile boolean debug;

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    err.println(command.getColorScheme().errorText("updraft: " + describe(e)));
    if (debug) {
      e.printStackTrace(err);
    } else {
      err.println("(run again with --debug for details)");
    }
    err.flush();
    return FAILURE;
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message;
  }
}
