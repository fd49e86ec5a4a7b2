package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The verbs that reach into what runs rather than change it: a service's logs and a command beside
 * its instance. The engine checks the service and the target does the rest, through the {@link
 * Target} SPI; log lines leave redacted, as every other output does.
 */
final class InstanceAccess {
  private final EnvironmentSpec spec;
  private final Map<String, ServiceState> deployed;
  private final Redactor redactor;

  InstanceAccess(EnvironmentSpec spec, Map<String, ServiceState> deployed, Redactor redactor) {
    this.spec = spec;
    this.deployed = deployed;
    this.redactor = redactor;
  }

  /** The deployed state of {@code name}, which must be a service of the spec with instances. */
  ServiceState state(String name) {
    Service service = spec.services().get(name);
    if (service == null) {
      throw new DeployException(
          "UNKNOWN_SERVICE",
          "service: "
              + name
              + " is not a service of "
              + spec.environment()
              + " (services: "
              + spec.services().keySet()
              + ")",
          "name one of the services in updraft.yaml",
          null);
    }
    if (service instanceof Service.Router) {
      throw new DeployException(
          "NOT_AN_INSTANCE",
          "service: " + name + " is a router, which runs inside the supervisor (no instances)",
          "name an application, container or database",
          null);
    }
    ServiceState state = deployed.get(name);
    if (state == null || state.instances().isEmpty()) {
      throw new DeployException(
          "NOT_DEPLOYED",
          "service: " + name + " has no instances deployed",
          "run updraft deploy apply first",
          null);
    }
    return state;
  }

  void logs(Target target, LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    ServiceState state = state(query.service());
    deployed.values().stream()
        .map(s -> s.attributes().get("password"))
        .filter(Objects::nonNull)
        .forEach(redactor::add);
    target.logs(
        state,
        query,
        line ->
            sink.accept(new LogLine(line.time(), line.instance(), redactor.redact(line.text()))),
        stop);
  }

  int exec(Target target, String service, String instance, List<String> command) {
    if (command.isEmpty()) {
      throw new DeployException(
          "NO_COMMAND",
          "command: empty (expected: a program and its arguments after --)",
          "e.g. updraft deploy exec web -- env",
          null);
    }
    return target.exec(state(service), instance, command);
  }
}
