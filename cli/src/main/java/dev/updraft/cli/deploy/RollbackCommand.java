package dev.updraft.cli.deploy;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code updraft deploy rollback [RELEASE]}: return to an earlier release. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = "Return to RELEASE (default: the good release before the latest).")
public final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Parameters(arity = "0..1", paramLabel = "RELEASE")
  Integer release;

  @Override
  public Integer call() {
    return options.run(spec, engine -> engine.rollback(release), null);
  }
}
