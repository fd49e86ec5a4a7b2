package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.logs.Since;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code updraft deploy logs SERVICE}: what a service's instances wrote, prefixed with the
 * instance, as {@code docker compose logs} prints it. {@code -f} is follow here, as in {@code
 * kubectl logs}, so the spec file is {@code --file} only.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print the logs of a deployed service's instances (live and recently retired), oldest first.",
      "Each line is stamped when it was written; -f follows new lines and new instances."
    })
public final class LogsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "the service's name in the spec")
  String service;

  @Option(
      names = {"-f", "--follow"},
      description = "Go on printing new lines, of new instances too, until interrupted.")
  boolean follow;

  @Option(
      names = "--since",
      paramLabel = "DURATION|TIMESTAMP",
      description = "Only lines written since then: 10m, 1h30m, 2d, or 2026-12-07T10:00:00Z.")
  String since;

  @Option(names = "--instance", paramLabel = "ID", description = "Only this instance's lines.")
  String instance;

  @Option(
      names = "--tail",
      paramLabel = "N",
      defaultValue = "-1",
      description = "Only the last N lines written before following (default: all).")
  int tail;

  @Option(
      names = {"-t", "--timestamps"},
      description = "Show the time each line was written.")
  boolean timestamps;

  @Option(
      names = "--file",
      paramLabel = "SPEC",
      description = "The environment spec (default: ./updraft.yaml, else examples/shop).")
  Path file;

  @Option(names = "--json", description = "One JSON object per line: time, instance, line.")
  boolean json;

  @Option(
      names = "--target",
      paramLabel = "TARGET",
      description = "local or kubernetes (default: the spec's target).")
  String target;

  @Override
  public Integer call() {
    DeployOptions options = new DeployOptions();
    options.file = file;
    options.json = json;
    options.target = target;
    options.parallelism = 1;
    PrintWriter out = spec.commandLine().getOut();
    try {
      LogQuery query;
      try {
        Instant from =
            since == null
                ? Instant.EPOCH
                : Since.parse(since, Instant.now(), ZoneId.systemDefault());
        query = new LogQuery(service, instance, from, tail, follow);
      } catch (IllegalArgumentException e) {
        throw new DeployException("USAGE", e.getMessage(), "see updraft deploy logs --help", null);
      }
      options
          .engine(spec)
          .logs(
              query,
              line -> {
                out.println(json ? json(line) : text(line));
                out.flush();
              },
              out::checkError); // the reader went away (a closed pipe): stop following
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }

  private static String json(LogLine line) {
    return Json.write(
        Json.object(
            "time", line.time().toString(), "instance", line.instance(), "line", line.text()));
  }

  private String text(LogLine line) {
    return (timestamps ? line.time() + " " : "") + line.instance() + " | " + line.text();
  }
}
