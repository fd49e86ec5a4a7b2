package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deploys one service: databases are made to run, jobs run to completion, applications are replaced
 * instance by instance behind their stable address, each new instance healthy before an old one
 * leaves, so requests through the service address or a router never fail.
 */
final class Rollout {
  private final Deployment deployment;
  private final ServiceRuntime runtime;
  private final EnvironmentSpec spec;

  Rollout(Deployment deployment) {
    this.deployment = deployment;
    this.runtime = deployment.runtime();
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
    deployment.step(db.name(), "start", Event.Outcome.STARTED, db.engine());
    ServiceRuntime.DatabaseInfo info = runtime.database(db, port);
    info.secrets().forEach(deployment.redactor()::add);
    return new ServiceState(
        db.name(),
        "database",
        version,
        null,
        List.of(new ServiceState.Instance("db-" + db.name(), info.port())),
        info.port(),
        info.attributes());
  }

  private ServiceState job(Service.Job job, String version) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (job.when().equals("start")) {
      deployment.step(job.name(), "build", Event.Outcome.STARTED, null);
      Path artifact = stage(job.name(), version, job.process());
      deployment.step(job.name(), "run", Event.Outcome.STARTED, job.process().command());
      Map<String, String> outputs =
          runtime.runJob(
              job.name(),
              job.name() + "-" + version,
              artifact,
              job.process().command(),
              env(job, job.process()),
              job.timeout());
      for (String name : job.outputs()) {
        String value = outputs.get(name);
        if (value == null) {
          throw new DeployException(
              "JOB_OUTPUT",
              job.name() + ": the job did not write output " + name,
              "write NAME=value lines to the file named by $UPDRAFT_OUTPUT",
              runtime.logTail(job.name() + "-" + version, 20));
        }
        attributes.put("outputs." + name, value);
      }
    } else {
      deployment.step(
          job.name(),
          "schedule",
          Event.Outcome.PROGRESS,
          job.when().equals("cron")
              ? "cron jobs run on the kubernetes target; the local target records them only"
              : "runs when the environment is destroyed");
    }
    return new ServiceState(job.name(), "job", version, null, List.of(), null, attributes);
  }

  private ServiceState router(Service.Router router, String version) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("host", "127.0.0.1");
    attributes.put("port", Integer.toString(router.port()));
    attributes.put("url", "http://127.0.0.1:" + router.port());
    ServiceState state =
        new ServiceState(
            router.name(), "router", version, null, List.of(), router.port(), attributes);
    deployment.publish(router.name(), state);
    deployment.awaitListening(router.name(), router.port());
    return state;
  }

  private ServiceState application(Service.Application app, String version) {
    ServiceState current = deployment.state(app.name());
    int servicePort =
        current != null && current.servicePort() != null
            ? current.servicePort()
            : runtime.port(app.port());
    deployment.step(app.name(), "build", Event.Outcome.STARTED, null);
    Path artifact = stage(app.name(), version, app.process());
    Map<String, String> env = env(app, app.process());
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("host", "127.0.0.1");
    attributes.put("port", Integer.toString(servicePort));
    attributes.put("url", "http://127.0.0.1:" + servicePort);
    List<ServiceState.Instance> old = new ArrayList<>();
    if (current != null) {
      for (ServiceState.Instance i : current.instances()) {
        boolean sameVersion = current.version().equals(version);
        // A repair keeps the instances that still run; a replacement retires all old ones.
        if (!sameVersion || !runtime.running(i.id())) {
          old.add(i);
        }
      }
    }
    List<ServiceState.Instance> fresh = new ArrayList<>();
    if (current != null && current.version().equals(version)) {
      current.instances().stream().filter(i -> !old.contains(i)).forEach(fresh::add);
    }
    int n = 1;
    while (fresh.size() < app.instances()) {
      String id = app.name() + "-" + version + "-" + n++;
      if (fresh.stream().anyMatch(i -> i.id().equals(id))) {
        continue;
      }
      deployment.step(app.name(), "start", Event.Outcome.PROGRESS, "instance " + id);
      ServiceRuntime.Instance started =
          runtime.start(app.name(), id, artifact, app.process().command(), env);
      ServiceState.Instance instance = new ServiceState.Instance(started.id(), started.port());
      try {
        deployment.awaitHealthy(app.name(), instance, app.health());
      } catch (DeployException e) {
        runtime.stop(instance.id());
        throw e;
      }
      fresh.add(instance);
      ServiceState.Instance retiring = old.isEmpty() ? null : old.removeFirst();
      List<ServiceState.Instance> serving = new ArrayList<>(fresh);
      serving.addAll(old);
      deployment.publish(
          app.name(),
          new ServiceState(
              app.name(),
              "application",
              version,
              artifact.toString(),
              serving,
              servicePort,
              attributes));
      if (retiring != null) {
        deployment.retire(app.name(), retiring);
      }
    }
    for (ServiceState.Instance extra : old) {
      deployment.retire(app.name(), extra);
    }
    ServiceState state =
        new ServiceState(
            app.name(),
            "application",
            version,
            artifact.toString(),
            fresh,
            servicePort,
            attributes);
    deployment.publish(app.name(), state);
    deployment.awaitListening(app.name(), servicePort);
    return state;
  }

  private Path stage(String name, String version, Service.Process process) {
    Path source = spec.baseDir().resolve(process.path()).normalize();
    return runtime.stage(name, version, source, process.build(), Map.of());
  }

  /** The service's environment with references resolved and secrets added. */
  Map<String, String> env(Service service, Service.Process process) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : process.env().entrySet()) {
      env.put(
          e.getKey(),
          Reference.substitute(e.getValue(), ref -> deployment.attribute(service.name(), ref)));
    }
    env.putAll(deployment.secrets().valuesOf(service));
    return env;
  }
}
