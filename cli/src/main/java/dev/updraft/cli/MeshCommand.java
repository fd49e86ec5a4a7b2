package dev.updraft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft mesh}: Run a Linkerd-class service-mesh proxy. */
@Command(
    name = "mesh",
    mixinStandardHelpOptions = true,
    description = "Run a Linkerd-class service-mesh proxy.")
final class MeshCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec, "the Linkerd-class mesh proxy", 4);
  }
}
