package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.Routing;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One release in progress: the services as they run right now (updated as steps finish and
 * journaled as they are), and the operations every step shares: events, health gates, routing.
 */
final class Deployment {
  private final EnvironmentSpec spec;
  private final ServiceRuntime runtime;
  private final Journal journal;
  private final int release;
  private final EventSink sink;
  private final Redactor redactor;
  private final Secrets secrets;
  private final long start = System.nanoTime();
  private final Map<String, ServiceState> states;
  private final Map<String, Service.Router> routers = new ConcurrentHashMap<>();

  Deployment(
      EnvironmentSpec spec,
      ServiceRuntime runtime,
      Journal journal,
      int release,
      EventSink sink,
      Redactor redactor,
      Secrets secrets,
      Map<String, ServiceState> current,
      Map<String, Service.Router> currentRouters) {
    this.spec = spec;
    this.runtime = runtime;
    this.journal = journal;
    this.release = release;
    this.sink = sink;
    this.redactor = redactor;
    this.secrets = secrets;
    this.states = new ConcurrentHashMap<>(current);
    routers.putAll(currentRouters);
  }

  EnvironmentSpec spec() {
    return spec;
  }

  ServiceRuntime runtime() {
    return runtime;
  }

  Redactor redactor() {
    return redactor;
  }

  Secrets secrets() {
    return secrets;
  }

  int release() {
    return release;
  }

  long elapsedMillis() {
    return (System.nanoTime() - start) / 1_000_000;
  }

  ServiceState state(String service) {
    return states.get(service);
  }

  Map<String, ServiceState> states() {
    return Map.copyOf(states);
  }

  void step(String service, String step, Event.Outcome outcome, String message) {
    sink.emit(new Event.StepEvent(elapsedMillis(), service, step, outcome, message));
    if (outcome != Event.Outcome.PROGRESS) {
      journal.append(
          new Entry.Step(
              release, service, step, outcome.name().toLowerCase(), redactor.redact(message)));
    }
  }

  void stage(String stage, String message) {
    sink.emit(new Event.Stage(elapsedMillis(), stage, message));
  }

  /** Records a finished service: in memory, in the journal, and in the routing. */
  void deployed(ServiceState state) {
    states.put(state.service(), state);
    journal.append(new Entry.Deployed(release, state));
  }

  void removed(String service) {
    states.remove(service);
    routers.remove(service);
    journal.append(new Entry.Removed(release, service));
    runtime.route(routing());
  }

  /** Makes {@code state} visible through the service address and routers. */
  void publish(String service, ServiceState state) {
    states.put(service, state);
    if (spec.service(service) instanceof Service.Router router) {
      routers.put(service, router);
    }
    runtime.route(routing());
  }

  /** Restores a router's definition from an earlier spec (rollback). */
  void router(Service.Router router) {
    routers.put(router.name(), router);
  }

  Routing routing() {
    Map<String, Routing.ServiceEntry> services = new LinkedHashMap<>();
    states.forEach(
        (name, state) -> {
          if ("application".equals(state.kind()) && state.servicePort() != null) {
            List<String> endpoints = new ArrayList<>();
            state.instances().forEach(i -> endpoints.add("127.0.0.1:" + i.port()));
            services.put(name, new Routing.ServiceEntry(state.servicePort(), endpoints));
          }
        });
    Map<String, Routing.RouterEntry> entries = new LinkedHashMap<>();
    routers.forEach(
        (name, router) -> {
          if (states.containsKey(name)) {
            Map<String, String> routes = new LinkedHashMap<>();
            router.routes().forEach(r -> routes.put(r.path(), r.service()));
            entries.put(name, new Routing.RouterEntry(router.port(), router.hosts(), routes));
          }
        });
    return new Routing(services, entries);
  }

  /** Waits until a new instance passes its health check, failing early if it crashes. */
  void awaitHealthy(String service, ServiceState.Instance instance, Service.Health health) {
    long deadline = System.nanoTime() + health.startTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (runtime.healthy(instance.port(), health)) {
        step(service, "health", Event.Outcome.PROGRESS, instance.id() + " healthy");
        return;
      }
      if (!runtime.running(instance.id())) {
        sleep(300); // the supervisor may be between a crash and a restart; look once more
        if (!runtime.running(instance.id())) {
          throw unhealthy(service, instance, "its process exited");
        }
      }
      sleep(health.interval().toMillis());
    }
    throw unhealthy(
        service, instance, "not healthy after " + health.startTimeout().toSeconds() + "s");
  }

  private DeployException unhealthy(String service, ServiceState.Instance instance, String why) {
    return new DeployException(
        "UNHEALTHY",
        service + ": new instance " + instance.id() + " is not healthy: " + why,
        "check the health check in updraft.yaml and the service's log below",
        redactor.redact(runtime.logTail(instance.id(), 20)));
  }

  /** Waits until a published port accepts connections (the mesh reloads asynchronously). */
  void awaitListening(String service, int port) {
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
  void retire(String service, ServiceState.Instance instance) {
    ServiceState current = states.get(service);
    if (current != null && current.instances().contains(instance)) {
      List<ServiceState.Instance> rest = new ArrayList<>(current.instances());
      rest.remove(instance);
      publish(service, current.withInstances(rest));
    }
    // The mesh stops choosing the instance at once; give requests in flight time to finish.
    sleep(1000);
    runtime.stop(instance.id());
    step(service, "retire", Event.Outcome.PROGRESS, instance.id() + " stopped");
  }

  /** The value of {@code ${service.attribute}} as deployed now. */
  String attribute(String referrer, Reference ref) {
    ServiceState state = states.get(ref.service());
    String value = state == null ? null : state.attributes().get(ref.attribute());
    if (value == null) {
      throw new DeployException(
          "REFERENCE",
          referrer + ": " + ref.text() + " has no value (" + ref.service() + " is not deployed)",
          "deploy " + ref.service() + " first, or add it to dependsOn",
          null);
    }
    return value;
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
