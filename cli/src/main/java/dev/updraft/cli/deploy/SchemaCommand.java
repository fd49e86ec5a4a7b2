package dev.updraft.cli.deploy;

import dev.updraft.deploy.spec.JsonSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy schema}: the JSON Schema of updraft.yaml. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "Print the JSON Schema of updraft.yaml.")
public final class SchemaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().println(JsonSchema.generate());
    spec.commandLine().getOut().flush();
  }
}
