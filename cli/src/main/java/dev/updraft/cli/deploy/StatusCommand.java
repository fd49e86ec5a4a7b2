package dev.updraft.cli.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.StatusReport;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft status}: each service, its instances, their state and the URLs. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the environment's services and instances.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() throws JsonProcessingException {
    try {
      Engine engine = options.engine(spec);
      var env = engine.spec();
      History history = engine.history();
      if (!env.target().equals("local")) {
        return cluster(engine, env.environment(), history);
      }
      StatusReport report = StatusReport.of(env, history, Engine.dataDir(env));
      var out = spec.commandLine().getOut();
      if (options.json) {
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(report));
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
  private int cluster(Engine engine, String environment, History history) {
    var out = spec.commandLine().getOut();
    History.Release last = history.releases().isEmpty() ? null : history.releases().getLast();
    out.println(
        "environment "
            + environment
            + (last == null
                ? ": never deployed"
                : ": release " + last.number() + " " + last.status()));
    java.util.Set<String> live = history.services().isEmpty() ? java.util.Set.of() : engine.live();
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
