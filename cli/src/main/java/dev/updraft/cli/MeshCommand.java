package dev.updraft.cli;

import dev.updraft.cli.mesh.IdentityCommand;
import dev.updraft.cli.mesh.ProxyCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code updraft mesh}: the Linkerd-class service-mesh proxy. */
@Command(
    name = "mesh",
    mixinStandardHelpOptions = true,
    description = "Run a Linkerd-class service-mesh proxy.",
    subcommands = {ProxyCommand.class, IdentityCommand.class})
final class MeshCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing a mesh command (try: mesh proxy, mesh identity)");
  }
}
