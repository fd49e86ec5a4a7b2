package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.SpecParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A router's timeout reaches the objects a cluster routes with, as the local router keeps it. */
class RoutesTest {
  @TempDir Path dir;

  @Test
  void aRoutersTimeoutBecomesIngressNginxsReadAndSendTimeouts() {
    Ingress ingress = (Ingress) router("timeout: 1500ms", "");
    assertThat(ingress.getMetadata().getAnnotations())
        .isEqualTo(Map.of(Routes.READ_TIMEOUT, "2", Routes.SEND_TIMEOUT, "2"));
    assertThat(((Ingress) router("timeout: 30s", "")).getMetadata().getAnnotations())
        .containsEntry(Routes.READ_TIMEOUT, "30");
  }

  @Test
  void aRoutersTimeoutBoundsEachHttpRouteRulesBackendRequest() {
    HTTPRoute route = (HTTPRoute) router("timeout: 1500ms", "  gateway: infra/edge\n");
    assertThat(route.getSpec().getRules())
        .hasSize(2)
        .extracting(HTTPRouteRule::getTimeouts)
        .allSatisfy(t -> assertThat(t.getBackendRequest()).isEqualTo("1500ms"));
    assertThat(Routes.gatewayDuration(Duration.ofSeconds(30))).isEqualTo("30s");
  }

  @Test
  void withoutATimeoutTheControllersDefaultHolds() {
    assertThat(((Ingress) router("", "")).getMetadata().getAnnotations()).isNullOrEmpty();
    HTTPRoute route = (HTTPRoute) router("", "  gateway: edge\n");
    assertThat(route.getSpec().getRules()).allSatisfy(r -> assertThat(r.getTimeouts()).isNull());
  }

  @Test
  void wholeSecondsAreRoundedUpAndNeverZero() {
    assertThat(Routes.wholeSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(Routes.wholeSeconds(Duration.ofSeconds(2))).isEqualTo(2);
    assertThat(Routes.wholeSeconds(Duration.ofMillis(2001))).isEqualTo(3);
  }

  private HasMetadata router(String timeout, String kubernetes) {
    EnvironmentSpec spec =
        SpecParser.parse(
            "updraft.yaml",
            """
            environment: shop
            target: kubernetes
            kubernetes:
              namespace: shop
            %s\
            containers:
              web: {image: "nginx:1", port: 80}
              api: {image: "nginx:1", port: 8080}
            routers:
              front:
                port: 80
                %s
                routes: [{path: /, service: web}, {path: /api, service: api}]
            """
                .formatted(kubernetes, timeout),
            dir);
    return new KubernetesRenderer(spec)
        .render(
            spec.service("front"), "v1", null, new KubernetesRenderer.Env(Map.of(), Map.of()), null)
        .getLast();
  }
}
