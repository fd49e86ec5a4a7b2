package dev.updraft.cli.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code updraft deploy exec SERVICE -- CMD ARGS...}: a command beside a service's instance, as
 * {@code kubectl exec} and {@code docker compose exec} run one.
 */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command with a deployed service instance's environment (its secrets included) and",
      "working directory, attached to this terminal; exits with the command's exit code.",
      "Example: updraft deploy exec web -- sh -c 'echo $DATABASE_URL'"
    })
public final class ExecCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "the service's name in the spec")
  String service;

  @Parameters(
      index = "1..*",
      paramLabel = "CMD",
      arity = "0..*",
      description = "the program and its arguments, after --")
  List<String> command = new ArrayList<>();

  @Option(
      names = "--instance",
      paramLabel = "ID",
      description = "The instance (default: the service's first).")
  String instance;

  @Override
  public Integer call() {
    try {
      return options.engine(spec).exec(service, instance == null ? "" : instance, command);
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }
}
