package dev.updraft.cli;

import dev.updraft.deploy.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one clear line and exit code 1 (with {@code --json},
 * an error document on stdout). The stack trace is only for {@code --debug}: users should read what
 * went wrong, not where in the code.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  static final int FAILURE = 1;

  // Set by the root command's --debug option before any command runs.
  static volatile boolean debug;

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    if (parsed.originalArgs().contains("--json")) {
      PrintWriter out = command.getOut();
      out.println(
          Json.write(
              Json.object(
                  "error",
                  Json.object(
                      "code",
                      "INTERNAL",
                      "message",
                      describe(e),
                      "hint",
                      "run again with --debug, without --json, for the stack trace"))));
      out.flush();
      return FAILURE;
    }
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
