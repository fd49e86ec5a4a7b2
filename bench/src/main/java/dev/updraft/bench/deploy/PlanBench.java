package dev.updraft.bench.deploy;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.apply.Plan;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.local.LocalRuntime;
import dev.updraft.deploy.local.RuntimeTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Plans a generated spec of N applications (each with a build, env references to a database and to
 * its neighbour, a health check) against an empty state, as {@code updraft deploy plan} does:
 * parse, validate, hash sources, diff, order. Prints the median and best of several runs in a warm
 * JVM, and the first (cold) run.
 *
 * <p>Usage: {@code PlanBench SERVICES RUNS}
 */
public final class PlanBench {
  private PlanBench() {}

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Path dir = Files.createTempDirectory("updraft-plan-bench");
    Files.createDirectories(dir.resolve("app"));
    Files.writeString(
        dir.resolve("app/App.java"), "class App { public static void main(String[] a) {} }\n");
    StringBuilder yaml = new StringBuilder("environment: bench\napplications:\n");
    for (int i = 0; i < services; i++) {
      yaml.append("  app-")
          .append(i)
          .append(":\n")
          .append("    path: ./app\n")
          .append("    build: javac -d out App.java\n")
          .append("    command: java -cp out App\n")
          .append("    env:\n")
          .append("      DB: ${db.url}\n");
      if (i > 0) {
        yaml.append("      PREVIOUS: ${app-").append(i - 1).append(".url}\n");
      }
      yaml.append("    health: {path: /health}\n");
    }
    yaml.append("databases:\n  db: {engine: postgres}\n");
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(spec, yaml);
    Redactor redactor = new Redactor();
    Engine engine =
        new Engine(
            spec,
            EventSink.NONE,
            redactor,
            System.getenv(),
            4,
            null,
            RuntimeTarget.factory(LocalRuntime::new));
    long[] nanos = new long[runs];
    int changes = 0;
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      Plan plan = engine.plan();
      nanos[r] = System.nanoTime() - start;
      changes = plan.changes().size();
    }
    long cold = nanos[0];
    long[] warm = Arrays.copyOfRange(nanos, 1, runs);
    Arrays.sort(warm);
    System.out.printf(
        Locale.ROOT,
        "plan(%d services): %d changes; cold %.1f ms, warm median %.1f ms, best %.1f ms%n",
        services,
        changes,
        cold / 1e6,
        warm[warm.length / 2] / 1e6,
        warm[0] / 1e6);
  }
}
