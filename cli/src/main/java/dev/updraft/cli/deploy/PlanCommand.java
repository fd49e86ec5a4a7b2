package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.apply.Plan;
import dev.updraft.deploy.spec.SpecWarning;
import dev.updraft.deploy.spec.SpecWarnings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code updraft deploy plan}: what an apply would change, and why. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Show what apply would change.")
public final class PlanCommand implements Callable<Integer> {
  /** The exit code of a plan with changes under {@code --detailed-exitcode}, as Terraform's. */
  static final int CHANGES = 2;

  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Option(
      names = "--detailed-exitcode",
      description =
          "Exit 0 when apply has nothing to change, 2 when it has changes, 1 on an error (usage"
              + " errors too), as terraform plan does.")
  boolean detailedExitCode;

  @Override
  public Integer call() {
    try {
      Engine engine = options.engine(spec);
      Plan plan = engine.plan();
      List<SpecWarning> warnings = SpecWarnings.of(engine.spec());
      var out = spec.commandLine().getOut();
      if (options.json) {
        out.println(JsonOutput.plan(plan, warnings));
      } else {
        out.println(plan.render());
        warnings.forEach(w -> out.println("warning: " + w));
      }
      out.flush();
      return detailedExitCode && !plan.isEmpty() ? CHANGES : 0;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }
}
