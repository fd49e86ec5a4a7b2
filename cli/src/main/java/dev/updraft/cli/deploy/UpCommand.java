package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft up}: deploy the environment locally and wait until it is healthy. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Deploy the environment (default: examples/shop) on this machine; returns when healthy.")
public final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    return options.run(spec, Engine::apply, null);
  }
}
