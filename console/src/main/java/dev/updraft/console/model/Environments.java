package dev.updraft.console.model;

import dev.updraft.deploy.Targets;
import dev.updraft.deploy.apply.Secrets;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.ProcessState;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.SupervisorClient;
import dev.updraft.deploy.preview.Preview;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.deploy.spec.TargetName;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.Sealer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The environments the console was given (one spec file each) and their previews, read afresh on
 * every call: the journal without taking the engine's lock or writing to it, and the supervisor's
 * status.
 */
public final class Environments {
  private final Supplier<List<Source>> sources;

  /** The environments of {@code specs}, each followed by its previews as they are at each call. */
  public Environments(List<Path> specs) {
    List<Path> fixed = List.copyOf(specs);
    this.sources = () -> withPreviews(fixed);
  }

  private Environments(Supplier<List<Source>> sources) {
    this.sources = sources;
  }

  /**
   * The one environment whose state directory is {@code dir}, as its supervisor's console sees it,
   * and the previews made from it. A preview's directory shows the preview alone. Otherwise the
   * spec is the one its newest release was made from, so there is none until a first release
   * starts.
   */
  public static Environments ofStateDir(Path dir) {
    return new Environments(
        () -> {
          if (Files.exists(dir.resolve(Preview.FILE))) {
            return List.of(Source.ofPreviewDir(dir));
          }
          return newestSpec(dir).map(spec -> withPreviews(List.of(spec))).orElse(List.of());
        });
  }

  private static List<Source> withPreviews(List<Path> specs) {
    List<Source> sources = new ArrayList<>();
    for (Path spec : specs) {
      sources.add(Source.of(spec));
      try {
        sources.addAll(Source.previewsOf(SpecParser.load(spec, null), spec));
      } catch (SpecException | UncheckedIOException e) {
        // the environment itself shows the error; its previews cannot be found without its spec
      }
    }
    return sources;
  }

  static Optional<Path> newestSpec(Path dir) {
    for (Entry entry : Journal.read(dir.resolve("journal.jsonl"), sealer(dir)).reversed()) {
      if (entry instanceof Entry.ReleaseStarted r && r.specPath() != null) {
        if (!r.specPath().isBlank()) {
          return Optional.of(Path.of(r.specPath()));
        }
      }
    }
    return Optional.empty();
  }

  public List<Source> sources() {
    return sources.get();
  }

  /** Every environment; a spec that no longer parses is reported as its error. */
  public List<Environment> all() {
    List<Environment> all = new ArrayList<>();
    for (Source source : sources.get()) {
      try {
        all.add(read(source));
      } catch (SpecException e) {
        all.add(unreadable(source, "spec error: " + e.getMessage()));
      } catch (UncheckedIOException e) {
        // A journal of a newer updraft: shown as its error rather than as a shorter history.
        all.add(unreadable(source, e.getMessage()));
      }
    }
    return all;
  }

  private static Environment unreadable(Source source, String why) {
    String name =
        source.preview() == null
            ? source.specFile().getFileName().toString()
            : source.preview().name();
    return new Environment(
        name, "?", source.specFile(), source.previewOf(), why, 0, List.of(), List.of());
  }

  public Optional<Environment> named(String name) {
    return all().stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Where the environment {@code name} comes from: what deploys and rolls it back. */
  public Optional<Source> source(String name) {
    return sources.get().stream()
        .filter(
            s -> {
              try {
                return s.load().environment().equals(name);
              } catch (SpecException | UncheckedIOException e) {
                return false;
              }
            })
        .findFirst();
  }

  private static Environment read(Source source) {
    EnvironmentSpec spec = source.load();
    Path dir = Targets.all().dataDir(spec);
    List<Entry> entries = Journal.read(dir.resolve("journal.jsonl"), sealer(dir));
    History history = History.of(entries);
    Map<String, Protocol.ProcessStatus> processes = new HashMap<>();
    String supervisor = "n/a";
    int admin = 0;
    if (spec.target() == TargetName.LOCAL) {
      SupervisorClient client = SupervisorClient.connect(dir);
      supervisor = client == null ? "not running" : "running";
      if (client != null) {
        try (client) {
          Protocol.Response status = client.call(Protocol.Request.of(Protocol.Op.STATUS));
          status.processes().forEach(p -> processes.put(p.id(), p));
          admin = status.adminPort() == null ? 0 : status.adminPort();
        }
      }
    }
    List<ServiceView> services = new ArrayList<>();
    for (ServiceState s : history.services().values()) {
      List<Instance> instances = new ArrayList<>();
      for (ServiceState.Instance i : s.instances()) {
        Protocol.ProcessStatus p = processes.get(i.id());
        instances.add(
            p == null
                ? new Instance(i.id(), ProcessState.NOT_RUNNING, 0, i.port(), 0, -1, null, null)
                : new Instance(
                    i.id(),
                    // A supervisor that sends no state says nothing of it: shown as unknown.
                    Objects.requireNonNullElse(
                        p.state(), new ProcessState(ProcessState.Phase.UNKNOWN, "unknown")),
                    p.pid(),
                    i.port(),
                    p.restarts(),
                    uptime(p, System.currentTimeMillis()),
                    p.ended(),
                    p.log()));
      }
      services.add(new ServiceView(s.service(), s.kind(), s.version(), s.servicePort(), instances));
    }
    return new Environment(
        spec.environment(),
        spec.target().word(),
        source.specFile(),
        source.previewOf(),
        supervisor,
        admin,
        Releases.of(entries),
        services);
  }

  /** How long the instance's current run has lasted; -1 when it is not running or not timed. */
  static long uptime(Protocol.ProcessStatus p, long now) {
    return ProcessState.RUNNING.equals(p.state()) && p.startedMillis() > 0
        ? Math.max(0, now - p.startedMillis())
        : -1;
  }

  /**
   * A redactor that knows the environment's secret values: those its spec references and the
   * deployed databases' passwords, so a log line that prints one shows {@code ******}.
   */
  public Redactor redactor(String name) {
    Redactor redactor = new Redactor();
    EnvironmentSpec spec = source(name).orElseThrow().load();
    Path dir = Targets.all().dataDir(spec);
    Optional<EnvironmentKey> key = EnvironmentKey.existing(dir);
    if (key.isPresent()) {
      Secrets secrets = new Secrets(spec, redactor, System.getenv(), key.get());
      for (Service service : spec.services().values()) {
        try {
          secrets.valuesOf(service);
        } catch (RuntimeException e) {
          // a secret that does not resolve here was never handed to a process either
        }
      }
    }
    History.of(Journal.read(dir.resolve("journal.jsonl"), sealer(dir)))
        .services()
        .values()
        .forEach(
            s -> {
              redactor.add(s.attributes().get("password"));
              redactor.add(s.attributes().get("url"));
            });
    return redactor;
  }

  /** Opens what is sealed (with the key, when there is one) and seals nothing. */
  private static Sealer sealer(Path dir) {
    return new Sealer(EnvironmentKey.existing(dir).orElse(null), (field, value) -> false);
  }
}
