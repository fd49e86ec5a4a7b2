package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.spec.SpecParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static EnvironmentSpec spec(String command) {
    return SpecParser.parse(
        "u.yaml",
        """
        environment: e
        applications:
          web: {path: ., command: "%s", env: {DB: "${db.url}"}}
        databases:
          db: {engine: redis}
        routers:
          front: {port: 9000, routes: [{path: /, service: web}]}
        """
            .formatted(command),
        Path.of("/tmp"));
  }

  private static ServiceState state(
      String name, ServiceKind kind, String version, String... instances) {
    return new ServiceState(
        name,
        kind,
        version,
        null,
        java.util.Arrays.stream(instances).map(i -> new ServiceState.Instance(i, 1)).toList(),
        null,
        Map.of());
  }

  @Test
  void ordersByDependencyAndExplainsChanges() {
    EnvironmentSpec before = spec("run-a");
    EnvironmentSpec now = spec("run-b");
    Map<String, String> versions = Map.of("web", "v2", "db", "d1", "front", "f1");
    Map<String, ServiceState> current =
        Map.of(
            "web", state("web", ServiceKind.APPLICATION, "v1", "web-v1-1"),
            "db", state("db", ServiceKind.DATABASE, "d1", "db-db"),
            "front", state("front", ServiceKind.ROUTER, "f1"),
            "old", state("old", ServiceKind.APPLICATION, "o1", "old-o1-1"));
    Plan plan =
        Planner.plan(now, versions, current, before, Set.of("web-v1-1", "db-db", "old-o1-1"));
    assertThat(plan.changes())
        .extracting(Plan.Change::service)
        .containsExactly("db", "web", "front", "old");
    assertThat(plan.changes().get(1).action()).isEqualTo(Plan.Action.REPLACE);
    assertThat(plan.changes().get(1).reason()).isEqualTo("changed: process");
    assertThat(plan.changes().get(3).action()).isEqualTo(Plan.Action.DELETE);
    assertThat(plan.render()).contains("~ web").contains("- old").contains("2 changes.");
  }

  @Test
  void deadInstancesAreRepairedAndAnUnchangedSpecPlansNothing() {
    EnvironmentSpec spec = spec("run");
    Map<String, String> versions = Map.of("web", "v1", "db", "d1", "front", "f1");
    Map<String, ServiceState> current =
        Map.of(
            "web", state("web", ServiceKind.APPLICATION, "v1", "web-v1-1", "web-v1-2"),
            "db", state("db", ServiceKind.DATABASE, "d1", "db-db"),
            "front", state("front", ServiceKind.ROUTER, "f1"));
    Plan healthy =
        Planner.plan(spec, versions, current, spec, Set.of("web-v1-1", "web-v1-2", "db-db"));
    assertThat(healthy.isEmpty()).isTrue();
    Plan broken = Planner.plan(spec, versions, current, spec, Set.of("web-v1-1", "db-db"));
    assertThat(broken.changes())
        .anyMatch(
            c ->
                c.action() == Plan.Action.REPAIR
                    && c.reason().equals("1 of 2 instances not running"));
    assertThat(List.of(Planner.order(spec).getFirst())).containsExactly("db");
  }
}
