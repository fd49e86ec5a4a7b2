package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.spec.Cron;
import dev.updraft.deploy.spec.Service;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repair starts dead instances again under their own ids and stops none of what it started. */
class RepairTest {
  @TempDir Path dir;
  private final ServerSocket serviceAddress = listening();
  private final Runtime runtime = new Runtime(serviceAddress.getLocalPort());

  @AfterEach
  void close() throws Exception {
    serviceAddress.close();
  }

  /**
   * Instances that exist only as ids in a map; the service address is a socket the test holds, so
   * that the rollout finds it listening.
   */
  private static final class Runtime implements ServiceRuntime {
    final Map<String, Boolean> instances = new ConcurrentHashMap<>();
    final List<String> calls = new ArrayList<>();
    private final int servicePort;
    private int nextPort = 20_000;

    Runtime(int servicePort) {
      this.servicePort = servicePort;
    }

    @Override
    public Path stage(String service, String version, Path source, String build, Set<Path> skip) {
      return source;
    }

    @Override
    public synchronized Instance start(
        String service,
        String id,
        Path cwd,
        String command,
        Map<String, String> env,
        Service.Resources resources) {
      calls.add("start " + id);
      instances.put(id, true);
      return new Instance(id, nextPort++);
    }

    @Override
    public synchronized void stop(String id) {
      calls.add("stop " + id);
      instances.remove(id);
    }

    @Override
    public HealthCheck check(int port, Service.Health health) {
      return new HealthCheck(true, "200");
    }

    @Override
    public boolean running(String id) {
      return instances.getOrDefault(id, false);
    }

    @Override
    public Optional<String> ended(String id) {
      return Optional.empty();
    }

    @Override
    public Map<String, String> runJob(
        String service,
        String runId,
        Path cwd,
        String command,
        Map<String, String> env,
        Service.Resources resources,
        Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void schedule(
        String service,
        String id,
        Path cwd,
        String command,
        Map<String, String> env,
        Service.Resources resources,
        Cron cron,
        Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RunOutcome runNow(String id, Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DatabaseInfo database(Service.Database database, Integer port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void route(Routing routing) {}

    @Override
    public int port(Integer preferred) {
      return preferred != null ? preferred : servicePort;
    }

    @Override
    public String logTail(String id, int lines) {
      return "";
    }

    @Override
    public Set<String> instances() {
      return instances.entrySet().stream()
          .filter(Map.Entry::getValue)
          .map(Map.Entry::getKey)
          .collect(java.util.stream.Collectors.toSet());
    }

    @Override
    public void close() {}
  }

  @Test
  void aDeadInstanceIsStartedAgainAndNotRetiredAfter() throws Exception {
    Path spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: fake
        applications:
          app: {path: ., command: "serve", instances: 2, health: {path: /health}}
        """);
    Engine engine =
        new Engine(
            spec, e -> {}, new Redactor(), Map.of(), 1, null, RuntimeTarget.factory(d -> runtime));
    engine.apply();
    List<String> ids = List.copyOf(runtime.instances.keySet());
    assertThat(ids).hasSize(2);
    String dead = ids.getFirst();
    runtime.instances.put(dead, false); // crashed; its supervisor has not started it again
    runtime.calls.clear();

    engine.apply();

    assertThat(runtime.instances()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(runtime.calls).containsExactly("start " + dead);
    assertThat(engine.history().services().get("app").instances())
        .extracting(i -> i.id())
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  private static ServerSocket listening() {
    try {
      return new ServerSocket(0);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
