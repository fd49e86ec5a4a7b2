package dev.updraft.cli;

import dev.updraft.cli.console.ConsoleCommand;
import dev.updraft.cli.deploy.DownCommand;
import dev.updraft.cli.deploy.StatusCommand;
import dev.updraft.cli.deploy.UpCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code updraft} root command: lists the verbs and owns the global options. */
@Command(
    name = "updraft",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Cloud infrastructure in Java: a microVM monitor, a service-mesh proxy and a deployment"
          + " engine, in one toolkit.",
      ""
    },
    subcommands = {
      UpCommand.class,
      StatusCommand.class,
      DownCommand.class,
      VmCommand.class,
      MeshCommand.class,
      DeployCommand.class,
      ConsoleCommand.class,
      DoctorCommand.class,
      CompletionCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error. Add --debug for stack traces."})
public final class Updraft implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Print stack traces and internal detail on errors.")
  void setDebug(boolean debug) {
    ErrorReporter.debug = debug;
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given output streams and returns the exit code; used by tests. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = commandLine();
    commandLine.setOut(out);
    commandLine.setErr(err);
    return commandLine.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Updraft());
    commandLine.setExecutionExceptionHandler(new ErrorReporter());
    commandLine.setParameterExceptionHandler(new UsageErrorReporter());
    return commandLine;
  }

  @Override
  public void run() {
    // `updraft` alone: show what there is to do, and exit like a usage error.
    throw new CommandLine.ParameterException(spec.commandLine(), "missing a command");
  }
}
