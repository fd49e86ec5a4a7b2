package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private static final HostPort ADMIN = new HostPort("127.0.0.1", 0);

  @Test
  void aRouterIsServedWithTheRoutesWhoseServicesHaveInstances() {
    Routing routing =
        new Routing(
            Map.of(
                "catalog", new Routing.ServiceEntry(8101, List.of("127.0.0.1:40001")),
                "cart", new Routing.ServiceEntry(8102, List.of())),
            Map.of(
                "web",
                new Routing.RouterEntry(
                    8080, List.of(), Map.of("/api", "catalog", "/cart", "cart"))));
    MeshConfig mesh = routing.toMesh(ADMIN);
    assertThat(mesh.listeners())
        .extracting(ListenerConfig::name)
        .containsExactlyInAnyOrder("service-catalog", "router-web");
    ListenerConfig web =
        mesh.listeners().stream().filter(l -> l.name().equals("router-web")).findFirst().get();
    assertThat(web.routes())
        .singleElement()
        .satisfies(r -> assertThat(r.name()).isEqualTo("web-api"));
  }

  @Test
  void aRouterWithoutAnyInstanceBehindItIsNotServedAndTheRestIs() {
    // As the services of a failed first release are removed one by one.
    Routing routing =
        new Routing(
            Map.of("cart", new Routing.ServiceEntry(8102, List.of("127.0.0.1:40002"))),
            Map.of("web", new Routing.RouterEntry(8080, List.of(), Map.of("/", "catalog"))));
    assertThat(routing.toMesh(ADMIN).listeners())
        .extracting(ListenerConfig::name)
        .containsExactly("service-cart");
  }

  @Test
  void routesTimeOutSilentInstancesAndInstancesThatFailInARowAreEjected() {
    Routing routing =
        new Routing(
            Map.of("app", new Routing.ServiceEntry(8101, List.of("127.0.0.1:40001"))),
            Map.of(
                "web",
                new Routing.RouterEntry(8080, List.of(), Map.of("/", "app"), 1500L),
                "api",
                new Routing.RouterEntry(8081, List.of(), Map.of("/", "app"))));
    MeshConfig mesh = routing.toMesh(ADMIN);
    Map<String, TimeoutConfig> timeouts = new java.util.TreeMap<>();
    mesh.listeners().forEach(l -> l.routes().forEach(r -> timeouts.put(l.name(), r.timeouts())));
    // Idle: an instance that sends nothing; never the whole exchange, which may stream.
    assertThat(timeouts)
        .containsEntry("router-web", new TimeoutConfig(null, null, Duration.ofMillis(1500)))
        .containsEntry("router-api", new TimeoutConfig(null, null, Routing.DEFAULT_TIMEOUT))
        .containsEntry("service-app", new TimeoutConfig(null, null, Routing.DEFAULT_TIMEOUT));
    assertThat(Routing.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    assertThat(mesh.backends())
        .singleElement()
        .satisfies(b -> assertThat(b.breaker().maxFailures()).isEqualTo(5));
  }
}
