package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.apply.ExitHints;
import dev.updraft.deploy.apply.JobOutputs;
import dev.updraft.deploy.apply.Secrets;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.spec.Cron;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.ServiceKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Deploys one service: databases are made to run, jobs run to completion, applications are replaced
 * instance by instance behind their stable address, each new instance healthy before an old one
 * leaves, so requests through the service address or a router never fail.
 */
final class Rollout {
  private final RuntimeTarget target;
  private final Deployment deployment;
  private final ServiceRuntime runtime;
  private final EnvironmentSpec spec;

  Rollout(RuntimeTarget target, Deployment deployment) {
    this.target = target;
    this.deployment = deployment;
    this.runtime = target.runtime();
    this.spec = deployment.spec();
  }

  ServiceState deploy(Service service, String version) {
    return switch (service) {
      case Service.Database d -> database(d, version);
      case Service.Job j -> job(j, version);
      case Service.Application a -> application(a, version);
      case Service.Router r -> router(r, version);
      case Service.Container c ->
          throw new DeployException(
              "TARGET",
              c.name() + ": containers need the kubernetes target",
              "set target: kubernetes",
              null);
    };
  }

  private ServiceState database(Service.Database db, String version) {
    ServiceState current = deployment.state(db.name());
    Integer port = current != null ? current.servicePort() : db.port();
    deployment.step(db.name(), "start", StepOutcome.STARTED, db.engine().word());
    ServiceRuntime.DatabaseInfo info = runtime.database(db, port);
    info.secrets().forEach(deployment.redactor()::add);
    return new ServiceState(
        db.name(),
        ServiceKind.DATABASE,
        version,
        null,
        List.of(new ServiceState.Instance("db-" + db.name(), info.port())),
        info.port(),
        info.attributes());
  }

  private ServiceState job(Service.Job job, String version) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (job.runs(Service.When.START)) {
      deployment.step(job.name(), "build", StepOutcome.STARTED, null);
      Path artifact = stage(job.name(), version, job.process());
      deployment.step(job.name(), "run", StepOutcome.STARTED, job.process().command());
      Map<String, String> outputs =
          runtime.runJob(
              job.name(),
              job.name() + "-" + version,
              artifact,
              job.process().command(),
              env(deployment, job),
              job.limits(),
              job.timeout());
      String tail =
          outputs.keySet().containsAll(job.outputs())
              ? null
              : runtime.logTail(job.name() + "-" + version, 20);
      attributes.putAll(
          JobOutputs.attributes(job, outputs, "the file named by $UPDRAFT_OUTPUT", tail));
    } else if (job.runs(Service.When.CRON)) {
      return cron(job, version);
    } else {
      deployment.step(
          job.name(), "schedule", StepOutcome.PROGRESS, "runs when the environment is destroyed");
    }
    return new ServiceState(
        job.name(), ServiceKind.JOB, version, null, List.of(), null, attributes);
  }

  /** Puts a cron job's new version on the schedule, then takes the old one off. */
  private ServiceState cron(Service.Job job, String version) {
    ServiceState current = deployment.state(job.name());
    deployment.step(job.name(), "build", StepOutcome.STARTED, null);
    Path artifact = stage(job.name(), version, job.process());
    Cron cron = Cron.parse(job.schedule(), job.timezone());
    String id = job.name() + "-" + version;
    runtime.schedule(
        job.name(),
        id,
        artifact,
        job.process().command(),
        env(deployment, job),
        job.limits(),
        cron,
        job.timeout());
    if (current != null) {
      current.instances().stream()
          .filter(i -> !i.id().equals(id))
          .forEach(old -> runtime.stop(old.id()));
    }
    ZonedDateTime next = cron.next(ZonedDateTime.now(cron.zone()));
    deployment.step(
        job.name(),
        "schedule",
        StepOutcome.PROGRESS,
        "'"
            + job.schedule()
            + "' ("
            + cron.zone().getId()
            + "), next run "
            + next.toOffsetDateTime());
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("schedule", job.schedule());
    attributes.put("timezone", cron.zone().getId());
    return new ServiceState(
        job.name(),
        ServiceKind.JOB,
        version,
        artifact.toString(),
        List.of(new ServiceState.Instance(id, 0)),
        null,
        attributes);
  }

  private ServiceState router(Service.Router router, String version) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("host", "127.0.0.1");
    attributes.put("port", Integer.toString(router.port()));
    attributes.put("url", "http://127.0.0.1:" + router.port());
    ServiceState state =
        new ServiceState(
            router.name(), ServiceKind.ROUTER, version, null, List.of(), router.port(), attributes);
    target.publish(deployment, state);
    awaitListening(router.name(), router.port());
    return state;
  }

  private ServiceState application(Service.Application app, String version) {
    ServiceState current = deployment.state(app.name());
    int servicePort =
        current != null && current.servicePort() != null
            ? current.servicePort()
            : runtime.port(app.port());
    deployment.step(app.name(), "build", StepOutcome.STARTED, null);
    Path artifact = stage(app.name(), version, app.process());
    Map<String, Integer> outbound = MeshEnv.outbound(current);
    Map<String, String> env = MeshEnv.env(deployment, app, outbound, () -> runtime.port(null));
    env.putAll(deployment.environment().secrets(app));
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("host", "127.0.0.1");
    attributes.put("port", Integer.toString(servicePort));
    attributes.put("url", "http://127.0.0.1:" + servicePort);
    attributes.putAll(MeshEnv.attributes(outbound));
    Function<List<ServiceState.Instance>, ServiceState> state =
        instances ->
            new ServiceState(
                app.name(),
                ServiceKind.APPLICATION,
                version,
                artifact.toString(),
                instances,
                servicePort,
                attributes);
    if (!outbound.equals(MeshEnv.outbound(current))) {
      // Its mesh proxy's new outbound listeners before a new instance, which may call out while
      // it starts (its health check too); what runs meanwhile is unchanged.
      Map<String, String> before = new LinkedHashMap<>(attributes);
      if (current != null) {
        before.putAll(current.attributes());
      }
      target.publish(
          deployment,
          current == null
              ? state.apply(List.of())
              : new ServiceState(
                  app.name(),
                  ServiceKind.APPLICATION,
                  current.version(),
                  current.artifact(),
                  current.instances(),
                  servicePort,
                  before));
    }
    // A replacement retires every old instance once a new one is healthy. A repair keeps the
    // instances that still run and starts the dead ones again under their own ids; those are
    // never retired, since retiring one would stop the instance that took its id.
    boolean repair = current != null && current.version().equals(version);
    List<ServiceState.Instance> old = new ArrayList<>();
    List<ServiceState.Instance> fresh = new ArrayList<>();
    List<ServiceState.Instance> dead = new ArrayList<>();
    if (current != null) {
      for (ServiceState.Instance i : current.instances()) {
        if (!repair) {
          old.add(i);
        } else if (runtime.running(i.id())) {
          fresh.add(i);
        } else {
          dead.add(i);
        }
      }
    }
    int n = 1;
    while (fresh.size() < app.instances()) {
      String id = app.name() + "-" + version + "-" + n++;
      if (fresh.stream().anyMatch(i -> i.id().equals(id))) {
        continue;
      }
      deployment.step(app.name(), "start", StepOutcome.PROGRESS, "instance " + id);
      ServiceRuntime.Instance started =
          runtime.start(app.name(), id, artifact, app.process().command(), env, app.resources());
      ServiceState.Instance instance = new ServiceState.Instance(started.id(), started.port());
      try {
        awaitHealthy(app, instance);
      } catch (DeployException e) {
        runtime.stop(instance.id());
        throw e;
      }
      fresh.add(instance);
      ServiceState.Instance retiring = old.isEmpty() ? null : old.removeFirst();
      List<ServiceState.Instance> serving = new ArrayList<>(fresh);
      serving.addAll(old);
      target.publish(deployment, state.apply(serving));
      if (retiring != null) {
        retire(app.name(), retiring);
      }
    }
    for (ServiceState.Instance extra : old) {
      retire(app.name(), extra);
    }
    for (ServiceState.Instance gone : dead) {
      if (fresh.stream().noneMatch(i -> i.id().equals(gone.id()))) {
        runtime.stop(gone.id()); // its id was not needed again: off the supervisor's table
      }
    }
    ServiceState done = state.apply(fresh);
    target.publish(deployment, done);
    awaitListening(app.name(), servicePort);
    return done;
  }

  private Path stage(String name, String version, Service.Process process) {
    Path source = spec.baseDir().resolve(process.path()).normalize();
    return runtime.stage(name, version, source, process.build(), Secrets.files(spec));
  }

  /** The service's environment with references resolved and secrets added. */
  static Map<String, String> env(Deployment deployment, Service service) {
    return deployment.environment().all(service);
  }

  /** Waits until a new instance passes its health check, failing early if it crashes. */
  private void awaitHealthy(Service.Application app, ServiceState.Instance instance) {
    Service.Health health = app.health();
    long deadline = System.nanoTime() + health.startTimeout().toNanos();
    ServiceRuntime.HealthCheck last = null;
    while (System.nanoTime() < deadline) {
      last = runtime.check(instance.port(), health);
      if (last.passed()) {
        deployment.step(app.name(), "health", StepOutcome.PROGRESS, instance.id() + " healthy");
        return;
      }
      if (!runtime.running(instance.id())) {
        sleep(300); // the supervisor may be between a crash and a restart; look once more
        if (!runtime.running(instance.id())) {
          String ended = runtime.ended(instance.id()).orElse(null);
          String tail = runtime.logTail(instance.id(), 20);
          String field = "applications." + app.name() + ".command";
          String hint =
              exitCode(ended)
                  .flatMap(code -> ExitHints.hint(code, app.process().command(), tail, field))
                  .orElse("the service's log below says why it exited; check " + field);
          throw unhealthy(
              app.name(),
              instance,
              "its process exited" + (ended == null ? "" : " (" + ended + ")"),
              hint,
              tail);
        }
      }
      sleep(health.interval().toMillis());
    }
    throw unhealthy(
        app.name(),
        instance,
        "not healthy after "
            + health.startTimeout().toSeconds()
            + "s"
            + (last == null ? "" : ": " + last.got()),
        "check applications."
            + app.name()
            + ".health in updraft.yaml (path, timeout, startTimeout) and the service's log below",
        runtime.logTail(instance.id(), 20));
  }

  /** The code of an ending such as {@code exit 127} or {@code exit 137, killed: ...}. */
  private static java.util.Optional<Integer> exitCode(String ended) {
    if (ended == null || !ended.startsWith("exit ")) {
      return java.util.Optional.empty();
    }
    String code = ended.substring(5).split("[^0-9]", 2)[0];
    return code.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(Integer.valueOf(code));
  }

  private DeployException unhealthy(
      String service, ServiceState.Instance instance, String why, String hint, String tail) {
    return new DeployException(
        "UNHEALTHY",
        service + ": new instance " + instance.id() + " is not healthy: " + why,
        hint,
        deployment.redactor().redact(tail));
  }

  /** Waits until a published port accepts connections (the mesh reloads asynchronously). */
  private void awaitListening(String service, int port) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        sleep(50);
      }
    }
    throw new DeployException(
        "ROUTING",
        service + ": nothing listens on port " + port + " after routing was published",
        "another process may hold the port",
        null);
  }

  /** Takes an old instance out of service: no new requests, in-flight ones finish, then stop. */
  private void retire(String service, ServiceState.Instance instance) {
    ServiceState current = deployment.state(service);
    if (current != null && current.instances().contains(instance)) {
      List<ServiceState.Instance> rest = new ArrayList<>(current.instances());
      rest.remove(instance);
      target.publish(deployment, current.withInstances(rest));
    }
    // The mesh stops choosing the instance at once; give requests in flight time to finish.
    sleep(1000);
    runtime.stop(instance.id());
    deployment.step(service, "retire", StepOutcome.PROGRESS, instance.id() + " stopped");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", "interrupted", null, null);
    }
  }
}
