package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.journal.History;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft deploy history}: every release with its outcome. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "List releases and their outcomes.")
public final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    try {
      Engine engine = options.engine(spec);
      History history = engine.history();
      var out = spec.commandLine().getOut();
      if (options.json) {
        out.println(JsonOutput.history(engine.spec().environment(), history, options.redactor));
      } else if (history.releases().isEmpty()) {
        out.println("No releases yet.");
      } else {
        out.printf(
            Locale.ROOT,
            "%-8s %-25s %-9s %-12s %s%n",
            "RELEASE",
            "TIME",
            "KIND",
            "STATUS",
            "MESSAGE");
        for (History.Release r : history.releases()) {
          out.printf(
              Locale.ROOT,
              "%-8d %-25s %-9s %-12s %s%n",
              r.number(),
              r.time(),
              r.kind().word(),
              r.status().word(),
              options.redactor.redact(r.message()));
        }
      }
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }
}
