package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.StatusReport;
import dev.updraft.deploy.spec.TargetName;
import dev.updraft.deploy.state.StateDirectory;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code updraft status}: each service, its instances as they actually run (health, restarts,
 * uptime, the release that made them live), the supervisor and its watchdog, and the URLs.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the environment's services and instances.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    try {
      Engine engine = options.engine(spec);
      var env = engine.spec();
      History history = engine.history();
      var out = spec.commandLine().getOut();
      if (env.target() != TargetName.LOCAL) {
        Set<String> live = history.services().isEmpty() ? Set.of() : engine.live();
        if (options.json) {
          out.println(StatusJson.cluster(env.environment(), env.target().word(), history, live));
          out.flush();
          return 0;
        }
        return cluster(env.environment(), history, live);
      }
      StatusReport report = StatusReport.of(env, history, StateDirectory.of(env));
      if (options.json) {
        out.println(StatusJson.local(report));
      } else {
        report.lines().forEach(out::println);
      }
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }

  /** A cluster target: each service's workload, and whether the cluster has it. */
  private int cluster(String environment, History history, Set<String> live) {
    var out = spec.commandLine().getOut();
    History.Release last = history.releases().isEmpty() ? null : history.releases().getLast();
    out.println(
        "environment "
            + environment
            + (last == null
                ? ": never deployed"
                : ": release " + last.number() + " " + last.status().word()));
    for (ServiceState s : history.services().values()) {
      out.printf(Locale.ROOT, "  %-14s %-12s %s%n", s.service(), s.kind(), s.version());
      for (ServiceState.Instance i : s.instances()) {
        out.printf(
            Locale.ROOT,
            "      %-34s %s%n",
            i.id(),
            live.contains(i.id()) ? "in the cluster" : "missing (apply repairs it)");
      }
    }
    out.flush();
    return 0;
  }
}
