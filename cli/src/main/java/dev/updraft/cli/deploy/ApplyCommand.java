package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy apply}: make the environment match the spec, or roll back. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = "Apply the spec; on failure the environment returns to the last good release.")
public final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    return options.run(spec, Engine::apply, null);
  }
}
