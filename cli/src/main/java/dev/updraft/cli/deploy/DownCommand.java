package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft down}: stop the environment. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Stop the environment started by up.")
public final class DownCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    return options.run(spec, Engine::destroy, "Stopped.");
  }
}
