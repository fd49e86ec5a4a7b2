package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.logs.ServiceLogs;
import dev.updraft.deploy.state.EnvironmentKey;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A deployed service's instances on this machine, as {@code deploy logs} and {@code deploy exec}
 * reach them: their logs in the state directory (readable with no supervisor running), and the
 * environment and directory each was started with, from the supervisor's table.
 */
final class LocalInstances {
  private final Path dir;

  LocalInstances(Path dir) {
    this.dir = dir;
  }

  void logs(ServiceState state, LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    ServiceLogs logs = new ServiceLogs(dir.resolve("logs"));
    if (!query.instance().isEmpty()) {
      Set<String> known = new TreeSet<>(logs.instances(query.service()));
      state.instances().forEach(i -> known.add(i.id()));
      if (!known.contains(query.instance())) {
        throw unknownInstance(query.service(), query.instance(), known);
      }
    }
    logs.read(query, sink, stop);
  }

  int exec(ServiceState state, String instance, List<String> command) {
    Set<String> ids = new TreeSet<>();
    state.instances().forEach(i -> ids.add(i.id()));
    String id = instance.isEmpty() ? state.instances().getFirst().id() : instance;
    if (!ids.contains(id)) {
      throw unknownInstance(state.service(), id, ids);
    }
    Protocol.ProcessSpec spec = spec(id);
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(new File(spec.cwd())).inheritIO();
    builder.environment().clear();
    builder.environment().putAll(spec.env());
    try {
      return builder.start().waitFor();
    } catch (IOException e) {
      throw new DeployException(
          "EXEC_FAILED",
          "command: "
              + command.getFirst()
              + " cannot be run in "
              + spec.cwd()
              + ": "
              + e.getMessage(),
          "name a program on the instance's PATH ("
              + spec.env().get("PATH")
              + "), or give its path",
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", "exec: interrupted", null, null);
    }
  }

  /** What {@code id} was started with, its secrets opened with the environment's key. */
  private Protocol.ProcessSpec spec(String id) {
    Path table = dir.resolve("supervisor.json");
    if (!Files.exists(table)) {
      throw notRunning(id);
    }
    return new ProcessTable(table, EnvironmentKey.of(dir))
        .load().processes().stream()
            .map(ProcessTable.Row::spec)
            .filter(s -> s.id().equals(id))
            .findFirst()
            .orElseThrow(() -> notRunning(id));
  }

  private static DeployException notRunning(String id) {
    return new DeployException(
        "NOT_RUNNING",
        "instance: " + id + " is not kept by the supervisor",
        "run updraft deploy apply to start it again",
        null);
  }

  private static DeployException unknownInstance(String service, String id, Set<String> known) {
    return new DeployException(
        "UNKNOWN_INSTANCE",
        "instance: " + id + " is not an instance of " + service + " (instances: " + known + ")",
        "see updraft deploy status for the live ones",
        null);
  }
}
