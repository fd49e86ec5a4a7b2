package dev.updraft.cli;

import dev.updraft.deploy.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A usage error: one line naming the mistake, a pointer to help, exit code 2. With {@code --json}
 * it is an error document on stdout; with {@code --detailed-exitcode}, where 2 means "changes", it
 * exits 1, as any error there.
 */
final class UsageErrorReporter implements IParameterExceptionHandler {
  static final int USAGE = 2;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    List<String> given = List.of(args);
    int code = given.contains("--detailed-exitcode") ? ErrorReporter.FAILURE : USAGE;
    String help = "Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.";
    if (given.contains("--json")) {
      StringWriter suggestions = new StringWriter();
      UnmatchedArgumentException.printSuggestions(e, new PrintWriter(suggestions));
      String hint = suggestions.toString().isBlank() ? help : suggestions.toString().strip();
      PrintWriter out = command.getOut();
      out.println(
          Json.write(
              Json.object(
                  "error", Json.object("code", "USAGE", "message", e.getMessage(), "hint", hint))));
      out.flush();
      return code;
    }
    PrintWriter err = command.getErr();
    err.println(command.getColorScheme().errorText("updraft: " + e.getMessage()));
    if (!UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println(help);
    }
    err.flush();
    return code;
  }
}
