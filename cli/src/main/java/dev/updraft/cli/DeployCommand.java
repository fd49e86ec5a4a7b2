package dev.updraft.cli;

import dev.updraft.cli.deploy.ApplyCommand;
import dev.updraft.cli.deploy.DestroyCommand;
import dev.updraft.cli.deploy.ExecCommand;
import dev.updraft.cli.deploy.HistoryCommand;
import dev.updraft.cli.deploy.InstallCommand;
import dev.updraft.cli.deploy.LogsCommand;
import dev.updraft.cli.deploy.PlanCommand;
import dev.updraft.cli.deploy.PreviewCommand;
import dev.updraft.cli.deploy.RollbackCommand;
import dev.updraft.cli.deploy.RunCommand;
import dev.updraft.cli.deploy.SchemaCommand;
import dev.updraft.cli.deploy.StatusCommand;
import dev.updraft.cli.deploy.UninstallCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code updraft deploy}: plan and apply an environment spec. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = "Plan and apply an environment spec onto a target.",
    subcommands = {
      PlanCommand.class,
      ApplyCommand.class,
      RollbackCommand.class,
      HistoryCommand.class,
      StatusCommand.class,
      RunCommand.class,
      LogsCommand.class,
      ExecCommand.class,
      DestroyCommand.class,
      InstallCommand.class,
      UninstallCommand.class,
      SchemaCommand.class,
      PreviewCommand.class
    })
final class DeployCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a deploy command (try: deploy plan)");
  }
}
