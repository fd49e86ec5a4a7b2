package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.preview.Preview;
import dev.updraft.deploy.preview.Previews;
import dev.updraft.deploy.preview.Ttl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code updraft deploy preview}: environments cloned from another, with a copy of its data. */
@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description = "Preview environments: clones of an environment, with a copy of its data.",
    subcommands = {
      PreviewCommand.Create.class,
      PreviewCommand.Up.class,
      PreviewCommand.ListPreviews.class,
      PreviewCommand.Delete.class
    })
public final class PreviewCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing a preview command (try: deploy preview list)");
  }

  /** Options of every preview command: where the source's spec is. */
  static final class Source {
    @Mixin DeployOptions options;

    @Option(
        names = "--path",
        paramLabel = "DIR",
        description = "The directory of the source's updraft.yaml (default: as -f finds it).")
    Path path;

    Previews previews(CommandSpec spec) {
      Path file = path != null ? path.resolve("updraft.yaml") : options.specFile();
      return new Previews(file, f -> options.engine(spec, f));
    }

    /** Runs {@code work}; a value refused (a name, a ttl) is a one-line error, as any failure. */
    int run(CommandSpec spec, Callable<String> work) {
      try {
        String done = work.call();
        if (done != null) {
          spec.commandLine().getOut().println(done);
          spec.commandLine().getOut().flush();
        }
        return 0;
      } catch (IllegalArgumentException e) {
        return options.report(spec, new DeployException("PREVIEW", e.getMessage(), null, null));
      } catch (RuntimeException e) {
        return options.report(spec, e);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    String finished(String message) {
      return options.json ? JsonOutput.finished(message) : message;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Clone environment ENV as NAME: its own state, ports and router, its databases filled"
              + " from ENV's data as it is now.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source;

    @Parameters(index = "0", paramLabel = "NAME", description = "The preview's name.")
    String name;

    @Option(names = "--from", required = true, paramLabel = "ENV", description = "The source.")
    String from;

    @Option(
        names = "--ttl",
        paramLabel = "TTL",
        description = "Remove it after this long (90s, 30m, 24h, 7d); default: never.")
    String ttl;

    @Override
    public Integer call() {
      return source.run(
          spec,
          () -> {
            Duration lifetime = ttl == null ? null : Ttl.parse(ttl);
            Previews previews = source.previews(spec);
            previews.create(name, from, lifetime);
            String url =
                previews.list().stream()
                    .filter(l -> l.preview().name().equals(name))
                    .map(Previews.Listed::url)
                    .findFirst()
                    .orElse("");
            return source.finished("Preview " + name + " of " + from + " is up: " + url);
          });
    }
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Deploy preview NAME again from its source's spec as it is now; ports stay.")
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source;

    @Parameters(index = "0", paramLabel = "NAME", description = "The preview's name.")
    String name;

    @Override
    public Integer call() {
      return source.run(
          spec,
          () -> {
            source.previews(spec).up(name);
            return source.finished("Preview " + name + " is up.");
          });
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List previews: name, source, age, time to live, URL.")
  static final class ListPreviews implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source;

    @Override
    public Integer call() {
      return source.run(
          spec,
          () -> {
            List<Previews.Listed> previews = source.previews(spec).list();
            PrintWriter out = spec.commandLine().getOut();
            Instant now = Instant.now();
            if (source.options.json) {
              out.println(
                  Json.write(Json.object("previews", Json.list(previews, l -> json(l, now)))));
            } else if (previews.isEmpty()) {
              out.println("No previews.");
            } else {
              out.printf(
                  Locale.ROOT, "%-20s %-16s %-8s %-8s %s%n", "NAME", "SOURCE", "AGE", "TTL", "URL");
              for (Previews.Listed l : previews) {
                Preview p = l.preview();
                out.printf(
                    Locale.ROOT,
                    "%-20s %-16s %-8s %-8s %s%n",
                    p.name(),
                    p.source(),
                    Ttl.format(age(p, now)),
                    p.ttl() == null ? "-" : Ttl.format(p.ttl()),
                    l.url());
              }
            }
            out.flush();
            return null;
          });
    }

    private static Duration age(Preview p, Instant now) {
      Duration age = Duration.between(p.created(), now).truncatedTo(ChronoUnit.SECONDS);
      return age.isPositive() ? age : Duration.ofSeconds(1);
    }

    private static Map<String, Object> json(Previews.Listed l, Instant now) {
      Preview p = l.preview();
      return Json.object(
          "name", p.name(),
          "source", p.source(),
          "created", p.created().toString(),
          "age_seconds", Duration.between(p.created(), now).toSeconds(),
          "ttl_seconds", p.ttl() == null ? null : p.ttl().toSeconds(),
          "expires", p.expires() == null ? null : p.expires().toString(),
          "url", l.url());
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Tear preview NAME down and remove everything of it, its data included.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source;

    @Parameters(index = "0", paramLabel = "NAME", description = "The preview's name.")
    String name;

    @Override
    public Integer call() {
      return source.run(
          spec,
          () -> {
            source.previews(spec).delete(name);
            return source.finished("Preview " + name + " deleted.");
          });
    }
  }
}
