package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.apply.Secrets;
import dev.updraft.deploy.apply.Target;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.spec.TargetName;
import dev.updraft.deploy.state.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The target whose services are instances of a {@link ServiceRuntime} on this machine: supervised
 * processes today (the local target), microVMs later. It keeps the routing table: each
 * application's stable address over its instances, and the routers.
 */
public final class RuntimeTarget implements Target {
  private final Function<Path, ServiceRuntime> runtimes;
  private final Path dir;

  /** The file in the state directory where a supervisor's console writes its URL. */
  public static final String CONSOLE_URL = "console.url";

  private final Map<String, Service.Router> routers = new ConcurrentHashMap<>();
  // Each application's allow: (empty: every service of the environment), for its mesh proxy.
  private final Map<String, Optional<List<String>>> allows = new ConcurrentHashMap<>();
  private static final Optional<List<String>> ALL = Optional.empty();
  private ServiceRuntime runtime;
  private boolean warned;

  public RuntimeTarget(Function<Path, ServiceRuntime> runtimes, Path dir) {
    this.runtimes = runtimes;
    this.dir = dir;
  }

  /** The local target: processes under the supervisor, state in {@code .updraft/<env>/}. */
  public static Target.Factory local() {
    return factory(LocalRuntime::new);
  }

  public static Target.Factory factory(Function<Path, ServiceRuntime> runtimes) {
    return new Target.Factory() {
      @Override
      public Path dataDir(EnvironmentSpec spec) {
        return StateDirectory.of(spec);
      }

      @Override
      public Target open(EnvironmentSpec spec) {
        if (spec.target() != TargetName.LOCAL) {
          throw new DeployException(
              "TARGET",
              "target " + spec.target() + " is not one this engine was given",
              "use target: local, or the updraft deploy command, which serves every target",
              null);
        }
        return new RuntimeTarget(runtimes, dataDir(spec));
      }
    };
  }

  synchronized ServiceRuntime runtime() {
    if (runtime == null) {
      runtime = runtimes.apply(dir);
    }
    return runtime;
  }

  @Override
  public Set<String> live() {
    synchronized (this) {
      if (runtime != null) {
        return runtime.instances();
      }
    }
    // Only look, the same way the runtime does: plan must not start a supervisor, and must see
    // what runs whether or not one answers.
    return Observation.of(dir).live();
  }

  @Override
  public void logs(ServiceState state, LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    new LocalInstances(dir).logs(state, query, sink, stop);
  }

  @Override
  public int exec(ServiceState state, String instance, List<String> command) {
    return new LocalInstances(dir).exec(state, instance, command);
  }

  @Override
  public void prepare() {
    runtime(); // a new supervisor adopts the processes of one that died before we look
  }

  @Override
  public void begin(Deployment release, EnvironmentSpec previous) {
    routers.clear();
    if (previous != null) {
      previous.all(Service.Router.class).forEach(r -> routers.put(r.name(), r));
    }
    release.spec().all(Service.Router.class).forEach(r -> routers.put(r.name(), r));
    warnIfUnenforced(release);
  }

  /** Once per command (an apply and its rollback are one): limits this machine cannot hold. */
  private void warnIfUnenforced(Deployment release) {
    if (warned) {
      return;
    }
    List<String> limited = new ArrayList<>();
    for (Service service : release.spec().services().values()) {
      Service.Resources resources =
          switch (service) {
            case Service.Application a -> a.resources();
            case Service.Job j -> j.limits();
            case Service.Container _, Service.Database _, Service.Router _ ->
                Service.Resources.NONE;
          };
      if (!resources.equals(Service.Resources.NONE)) {
        limited.add(service.name());
      }
    }
    if (limited.isEmpty()) {
      return;
    }
    runtime()
        .unenforced()
        .ifPresent(
            why -> {
              warned = true;
              release.emit(
                  new Event.Warning(
                      release.elapsedMillis(),
                      release.spec().environment(),
                      "cgroups",
                      "NotEnforced",
                      "resources are not enforced on this machine: "
                          + why
                          + " (set for "
                          + String.join(", ", limited)
                          + ")",
                      1));
            });
  }

  @Override
  public ServiceState deploy(Deployment release, Service service, String version) {
    return new Rollout(this, release).deploy(service, version);
  }

  @Override
  public void runOnDelete(Deployment release, Service.Job job, String version) {
    ServiceRuntime runtime = runtime();
    Path artifact =
        runtime.stage(
            job.name(),
            version,
            release.spec().baseDir().resolve(job.process().path()),
            job.process().build(),
            Secrets.files(release.spec()));
    release.step(job.name(), "run", StepOutcome.STARTED, "on delete");
    runtime.runJob(
        job.name(),
        job.name() + "-delete-" + release.release(),
        artifact,
        job.process().command(),
        Rollout.env(release, job),
        job.limits(),
        job.timeout());
  }

  @Override
  public void remove(Deployment release, ServiceState state) {
    // Out of the routing first, so that nothing is sent to the instances about to stop.
    routers.remove(state.service());
    Map<String, ServiceState> rest = new LinkedHashMap<>(release.states());
    rest.remove(state.service());
    runtime().route(routing(rest));
    state.instances().forEach(i -> runtime().stop(i.id()));
  }

  @Override
  public void publish(Deployment release) {
    route(release);
  }

  @Override
  public void destroyed(Deployment release) {
    if (runtime() instanceof LocalRuntime local) {
      local.shutdownAll();
    }
    // At the next boot it would start an empty supervisor: nothing is left for it to bring back.
    SystemdUnit unit = SystemdUnit.of(dir);
    if (unit.uninstall()) {
      release.emit(
          new Event.Stage(
              release.elapsedMillis(),
              Event.Stage.Name.DESTROY,
              "removed the systemd unit " + unit.file() + " (install it again after the next up)"));
    }
  }

  @Override
  public JobRun runNow(ServiceState state, Service.Job job) {
    ServiceState.Instance scheduled = state.instances().getFirst();
    ServiceRuntime.RunOutcome outcome = runtime().runNow(scheduled.id(), job.timeout());
    return new JobRun(
        scheduled.id(),
        outcome.succeeded(),
        outcome.outcome(),
        runtime().logTail(scheduled.id(), 20));
  }

  @Override
  public String describe(ServiceState state) {
    if (!state.instances().isEmpty() && state.kind() == ServiceKind.APPLICATION) {
      return state.instances().size() + " healthy instance(s) behind port " + state.servicePort();
    }
    if (state.attributes().containsKey("schedule")) {
      return "on schedule '" + state.attributes().get("schedule") + "'";
    }
    if (state.attributes().containsKey("server")) {
      return "port " + state.servicePort() + ", " + state.attributes().get("server");
    }
    return state.servicePort() == null ? "" : "port " + state.servicePort();
  }

  @Override
  public String url(Service.Router router) {
    return "http://127.0.0.1:" + router.port() + "/";
  }

  /** Where the supervisor's console listens, as it wrote it in {@link #CONSOLE_URL}. */
  @Override
  public Optional<String> consoleUrl() {
    try {
      String url = Files.readString(dir.resolve(CONSOLE_URL)).strip();
      return url.isEmpty() ? Optional.empty() : Optional.of(url);
    } catch (IOException e) {
      return Optional.empty(); // no console runs in this supervisor
    }
  }

  /** Makes {@code state} visible through its service address and the routers. */
  void publish(Deployment release, ServiceState state) {
    release.track(state);
    if (!(release.spec().service(state.service()) instanceof Service.Router router)) {
      route(release);
      return;
    }
    routers.put(router.name(), router);
    try {
      route(release);
    } catch (DeployException e) {
      // Not served, so out of every later routing: the rollback's must not fail on it again.
      routers.remove(router.name());
      // The supervisor names the mesh listener that failed; the rest of its message is why.
      String listener = "listener " + Routing.routerListener(router.name()) + ": ";
      int at = e.getMessage().indexOf(listener);
      if (at >= 0) {
        throw new DeployException(
            "ROUTER_PORT",
            router.name() + ": " + e.getMessage().substring(at + listener.length()),
            "stop what listens there (ss -ltnp 'sport = :"
                + router.port()
                + "') or give routers."
                + router.name()
                + ".port another port",
            null);
      }
      throw e;
    }
  }

  private void route(Deployment release) {
    // The spec's allow: is applied at every routing, so an apply that changes no version still
    // enforces it.
    release
        .spec()
        .all(Service.Application.class)
        .forEach(a -> allows.put(a.name(), Optional.ofNullable(a.allow())));
    runtime().route(routing(release.states()));
  }

  Routing routing(Map<String, ServiceState> states) {
    Map<String, Routing.ServiceEntry> services = new LinkedHashMap<>();
    states.forEach(
        (name, state) -> {
          if (state.kind() == ServiceKind.APPLICATION && state.servicePort() != null) {
            List<String> endpoints = new ArrayList<>();
            state.instances().forEach(i -> endpoints.add("127.0.0.1:" + i.port()));
            services.put(
                name,
                new Routing.ServiceEntry(
                    state.servicePort(),
                    endpoints,
                    MeshEnv.outbound(state),
                    allows.getOrDefault(name, ALL).orElse(null)));
          }
        });
    Map<String, Routing.RouterEntry> entries = new LinkedHashMap<>();
    routers.forEach(
        (name, router) -> {
          if (states.containsKey(name)) {
            Map<String, String> routes = new LinkedHashMap<>();
            router.routes().forEach(r -> routes.put(r.path(), r.service()));
            entries.put(
                name,
                new Routing.RouterEntry(
                    router.port(),
                    router.hosts(),
                    routes,
                    router.timeout() == null ? null : router.timeout().toMillis()));
          }
        });
    return new Routing(services, entries, dir.getFileName().toString());
  }

  @Override
  public synchronized void close() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }
}
