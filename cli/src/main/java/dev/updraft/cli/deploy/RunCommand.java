package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Target;
import dev.updraft.deploy.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code updraft deploy run JOB}: a cron job's run now, outside its schedule. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a deployed cron job once now, outside its schedule, and wait for it to end.",
      "Exit 0 if the run succeeded, 1 if it failed or could not start."
    })
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Parameters(index = "0", paramLabel = "JOB", description = "the cron job's name in the spec")
  String job;

  @Override
  public Integer call() {
    try {
      Target.JobRun run = options.engine(spec).runJob(job);
      var out = spec.commandLine().getOut();
      if (options.json) {
        out.println(
            Json.write(
                Json.object(
                    "job", job,
                    "id", run.id(),
                    "succeeded", run.succeeded(),
                    "outcome", run.outcome(),
                    "log_tail", run.logTail())));
      } else {
        out.println(job + ": " + run.outcome() + " (" + run.id() + ")");
        if (!run.logTail().isBlank()) {
          run.logTail().lines().forEach(line -> out.println("  | " + line));
        }
      }
      out.flush();
      return run.succeeded() ? 0 : 1;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }
}
