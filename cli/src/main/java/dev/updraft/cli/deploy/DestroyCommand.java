package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy destroy}: stop every service of the environment. */
@Command(
    name = "destroy",
    mixinStandardHelpOptions = true,
    description = "Stop every service (on-delete jobs run first); database data is kept.")
public final class DestroyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    return options.run(spec, Engine::destroy, "Environment stopped; database data is kept.");
  }
}
