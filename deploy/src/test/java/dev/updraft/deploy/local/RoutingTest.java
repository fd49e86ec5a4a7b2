package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.config.MeshConfig;
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
}
