package dev.updraft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy}: Plan and apply an environment spec onto a target. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = "Plan and apply an environment spec onto a target.")
final class DeployCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec, "the deployment engine", 5);
  }
}
