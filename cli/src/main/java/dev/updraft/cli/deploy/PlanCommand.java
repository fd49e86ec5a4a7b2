package dev.updraft.cli.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.updraft.deploy.apply.Plan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy plan}: what an apply would change, and why. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Show what apply would change.")
public final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() throws Exception {
    try {
      Plan plan = options.engine(spec).plan();
      var out = spec.commandLine().getOut();
      if (options.json) {
        out.println(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(plan));
      } else {
        out.println(plan.render());
      }
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }
}
