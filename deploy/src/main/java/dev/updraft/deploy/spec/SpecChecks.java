package dev.updraft.deploy.spec;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks that need the whole spec: names, references, routes, ports and dependency cycles. */
final class SpecChecks {
  private final ShapeReader reader;
  private final EnvironmentSpec spec;
  private final Map<String, Values> positions;

  SpecChecks(ShapeReader reader, EnvironmentSpec spec, Map<String, Values> positions) {
    this.reader = reader;
    this.spec = spec;
    this.positions = positions;
  }

  void run() {
    Map<String, Set<String>> edges = new HashMap<>();
    Map<Integer, String> ports = new HashMap<>();
    for (Service service : spec.services().values()) {
      Values at = positions.get(service.name());
      Set<String> deps = new HashSet<>();
      List<String> dependsOn = service.dependsOn();
      for (int i = 0; i < dependsOn.size(); i++) {
        String dep = dependsOn.get(i);
        String field =
            service instanceof Service.Router r
                ? "routes[" + routeIndex(r, dep) + "].service"
                : "dependsOn[" + i + "]";
        if (!spec.services().containsKey(dep)) {
          problem(at, field, dep, "the name of a service in this spec " + spec.services().keySet());
        } else if (dep.equals(service.name())) {
          problem(at, field, dep, "another service (a service cannot depend on itself)");
        } else {
          deps.add(dep);
        }
      }
      if (service instanceof Service.Application app && app.allow() != null) {
        checkAllow(app, at);
      }
      for (Map.Entry<String, String> env : env(service).entrySet()) {
        for (Reference ref : Reference.in(env.getValue())) {
          checkReference(service, at, "env." + env.getKey(), ref, deps);
        }
      }
      Integer port = port(service);
      if (port != null) {
        String other = ports.putIfAbsent(port, service.name());
        if (other != null) {
          problem(
              at,
              "port",
              Integer.toString(port),
              "a port no other service uses (" + other + " has it)");
        }
      }
      if (port != null
          && spec.target() == TargetName.KUBERNETES
          && (service instanceof Service.Application || service instanceof Service.Container)
          && meshPort(port)) {
        problem(
            at,
            "port",
            Integer.toString(port),
            "a port the mesh sidecar does not use (not 4143, 4191 or 4150-4249)");
      }
      switch (service) {
        case Service.Application a ->
            checkAutoscale(a.autoscale(), a.instances(), a.resources(), at);
        case Service.Router router -> checkRouter(router, at);
        case Service.Container container -> {
          checkAutoscale(container.autoscale(), container.instances(), container.resources(), at);
          if (spec.target() == TargetName.LOCAL) {
            problem(
                at,
                "image",
                container.image(),
                "target: kubernetes (containers run on Kubernetes only until a local image runtime exists)");
          }
        }
        case Service.Job job -> checkJob(job, at);
        default -> {}
      }
      edges.put(service.name(), deps);
    }
    findCycle(edges);
  }

  /**
   * The ports of a meshed pod's sidecar on the kubernetes target (inbound, admin, outbound
   * listeners: {@code dev.updraft.deploy.kubernetes.MeshNames}); the service's own port cannot be
   * one of them.
   */
  static boolean meshPort(int port) {
    return port == 4143 || port == 4191 || (port >= 4150 && port <= 4249);
  }

  private void checkReference(
      Service service, Values at, String field, Reference ref, Set<String> deps) {
    if (ref.service() == null) {
      problem(at, field, ref.text(), "a reference such as ${db.url} or ${migrate.outputs.NAME}");
      return;
    }
    Service target = spec.services().get(ref.service());
    if (target == null) {
      problem(
          at,
          field,
          ref.text(),
          "a reference to a service in this spec " + spec.services().keySet());
      return;
    }
    List<String> attributes = Reference.attributes(target);
    if (!attributes.contains(ref.attribute())) {
      problem(
          at,
          field,
          ref.text(),
          "an attribute of " + target.kind() + " " + target.name() + ": " + attributes);
      return;
    }
    if (!target.name().equals(service.name())) {
      deps.add(target.name());
    }
  }

  private static int routeIndex(Service.Router router, String service) {
    for (int i = 0; i < router.routes().size(); i++) {
      // A route without a service (already reported) has none to compare.
      if (service.equals(router.routes().get(i).service())) {
        return i;
      }
    }
    return 0;
  }

  private void checkJob(Service.Job job, Values at) {
    if (job.runs(Service.When.CRON) && job.schedule() == null) {
      problem(at, "schedule", null, "a cron schedule, since when is cron");
    }
    if (!job.runs(Service.When.CRON) && job.schedule() != null) {
      problem(at, "schedule", job.schedule(), "no schedule unless when is cron");
    }
    if (!job.runs(Service.When.CRON) && job.timezone() != null) {
      problem(at, "timezone", job.timezone(), "no time zone unless when is cron");
    }
    ZoneId zone = null;
    if (job.timezone() != null) {
      try {
        zone = Cron.zone(job.timezone());
      } catch (IllegalArgumentException e) {
        problem(at, "timezone", job.timezone(), "an IANA time zone such as Europe/Paris or UTC");
      }
    }
    if (job.schedule() != null) {
      try {
        new Cron(job.schedule(), zone == null ? ZoneId.of("UTC") : zone);
      } catch (IllegalArgumentException e) {
        problem(
            at,
            "schedule",
            job.schedule(),
            "a cron schedule of five fields (minute hour day-of-month month day-of-week) or a"
                + " nickname such as @daily; here "
                + e.getMessage());
      }
    }
  }

  private void checkAutoscale(
      Service.Autoscale autoscale, int instances, Service.Resources resources, Values at) {
    if (autoscale == null) {
      return;
    }
    if (autoscale.max() < instances) {
      problem(
          at,
          "autoscale.max",
          Integer.toString(autoscale.max()),
          "at least instances (" + instances + "), the fewest the autoscaler keeps");
    }
    if (resources.cpu() == null) {
      problem(
          at,
          "autoscale",
          "cpu " + autoscale.cpu() + "%",
          "resources.cpu too (utilisation is measured against the CPU a pod requests)");
    }
  }

  private void checkRouter(Service.Router router, Values at) {
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < router.routes().size(); i++) {
      Service.Route route = router.routes().get(i);
      Service target = spec.services().get(route.service());
      if (target != null
          && !(target instanceof Service.Application || target instanceof Service.Container)) {
        problem(
            at,
            "routes[" + i + "].service",
            route.service(),
            "an application or container (" + route.service() + " is a " + target.kind() + ")");
      }
      // A path the reader refused is null here, and already reported.
      if (route.path() != null && !paths.add(route.path())) {
        problem(at, "routes[" + i + "].path", route.path(), "each path prefix once");
      }
    }
    if (router.timeout() != null && router.timeout().isZero()) {
      problem(at, "timeout", "0s", "a duration above 0 such as 30s");
    }
  }

  /** {@code allow:} names the applications that may call; each must be one of this spec. */
  private void checkAllow(Service.Application app, Values at) {
    List<String> callers = new ArrayList<>();
    spec.all(Service.Application.class).forEach(a -> callers.add(a.name()));
    for (int i = 0; i < app.allow().size(); i++) {
      String caller = app.allow().get(i);
      if (!callers.contains(caller)) {
        problem(
            at, "allow[" + i + "]", caller, "the name of an application in this spec " + callers);
      }
    }
  }

  private void findCycle(Map<String, Set<String>> edges) {
    Map<String, Integer> state = new HashMap<>();
    for (String start : edges.keySet()) {
      List<String> path = new ArrayList<>();
      if (visit(start, edges, state, path)) {
        String first = path.getLast();
        int from = path.indexOf(first);
        List<String> cycle = path.subList(from, path.size());
        problem(
            positions.get(first),
            "dependsOn",
            String.join(" -> ", cycle),
            "no dependency cycle; break it by removing one of these dependencies");
        return;
      }
    }
  }

  // Depth-first search: 1 = on the current path, 2 = done. Returns true with the cycle in path.
  private boolean visit(
      String node, Map<String, Set<String>> edges, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return false;
    }
    path.add(node);
    if (s != null && s == 1) {
      return true;
    }
    state.put(node, 1);
    for (String next : edges.getOrDefault(node, Set.of())) {
      if (visit(next, edges, state, path)) {
        return true;
      }
    }
    state.put(node, 2);
    path.removeLast();
    return false;
  }

  private static int indexOfSeparator(String field) {
    int dot = field.indexOf('.');
    int bracket = field.indexOf('[');
    return dot < 0 ? bracket : bracket < 0 ? dot : Math.min(dot, bracket);
  }

  private static Map<String, String> env(Service service) {
    return switch (service) {
      case Service.Application a -> a.process().env();
      case Service.Job j -> j.process().env();
      case Service.Container c -> c.env();
      default -> Map.of();
    };
  }

  private static Integer port(Service service) {
    return switch (service) {
      case Service.Application a -> a.port();
      case Service.Container c -> null; // containers listen inside their pod
      case Service.Database d -> d.port();
      case Service.Router r -> r.port();
      case Service.Job j -> null;
    };
  }

  private void problem(Values at, String field, String value, String expected) {
    String path = at == null ? field : at.path() + "." + field;
    String base =
        field.contains(".") || field.contains("[")
            ? field.substring(0, indexOfSeparator(field))
            : field;
    Values.Position fallback = at == null ? Values.Position.UNKNOWN : at.position(base);
    Values.Position p = reader.positionOf(path, fallback);
    reader.problem(p, path, value, expected);
  }
}
