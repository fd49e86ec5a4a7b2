package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeoutsBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A router as an Ingress (path prefixes, longest first, per host), or as a Gateway API HTTPRoute
 * when the spec names a Gateway. A router's {@code timeout} becomes ingress-nginx's read and send
 * timeouts (how long it waits on a backend that sends nothing: the local router's meaning; other
 * controllers ignore the annotations), or each HTTPRoute rule's {@code timeouts.backendRequest},
 * the Gateway API's nearest field, which bounds the whole backend request.
 */
final class Routes {
  private final EnvironmentSpec spec;
  private final Labels labels;

  Routes(EnvironmentSpec spec, Labels labels) {
    this.spec = spec;
    this.labels = labels;
  }

  HasMetadata render(Service.Router router) {
    return spec.kubernetes().gateway() == null ? ingress(router) : httpRoute(router);
  }

  /** Where a router answers, for its step's message. */
  static String summary(EnvironmentSpec spec, Service.Router router) {
    String kind = spec.kubernetes().gateway() == null ? "Ingress" : "HTTPRoute";
    return kind
        + " "
        + router.name()
        + (router.hosts().isEmpty()
            ? " for every host"
            : " for " + String.join(", ", router.hosts()))
        + ", "
        + router.routes().size()
        + " route(s)";
  }

  private List<Service.Route> longestFirst(Service.Router router) {
    return router.routes().stream()
        .sorted(Comparator.comparingInt((Service.Route r) -> r.path().length()).reversed())
        .toList();
  }

  private int port(String service) {
    return Attributes.port(spec.service(service));
  }

  /** ingress-nginx's annotations, in whole seconds rounded up (it takes no smaller unit). */
  static final String READ_TIMEOUT = "nginx.ingress.kubernetes.io/proxy-read-timeout";

  static final String SEND_TIMEOUT = "nginx.ingress.kubernetes.io/proxy-send-timeout";

  private HasMetadata ingress(Service.Router router) {
    List<HTTPIngressPath> paths = new ArrayList<>();
    for (Service.Route route : longestFirst(router)) {
      paths.add(
          new HTTPIngressPathBuilder()
              .withPath(route.path())
              .withPathType("Prefix")
              .withNewBackend()
              .withNewService()
              .withName(route.service())
              .withNewPort()
              .withNumber(port(route.service()))
              .endPort()
              .endService()
              .endBackend()
              .build());
    }
    List<IngressRule> rules = new ArrayList<>();
    if (router.hosts().isEmpty()) {
      rules.add(new IngressRuleBuilder().withNewHttp().withPaths(paths).endHttp().build());
    }
    for (String host : router.hosts()) {
      rules.add(
          new IngressRuleBuilder().withHost(host).withNewHttp().withPaths(paths).endHttp().build());
    }
    ObjectMeta meta = labels.meta(router.name(), labels.service(router.name(), "router"));
    if (router.timeout() != null) {
      String seconds = Long.toString(wholeSeconds(router.timeout()));
      meta.setAnnotations(new TreeMap<>(Map.of(READ_TIMEOUT, seconds, SEND_TIMEOUT, seconds)));
    }
    return new IngressBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withIngressClassName(spec.kubernetes().ingressClass())
        .withRules(rules)
        .endSpec()
        .build();
  }

  static long wholeSeconds(Duration timeout) {
    long seconds = timeout.toSeconds();
    return Math.max(1, timeout.toNanos() % 1_000_000_000L == 0 ? seconds : seconds + 1);
  }

  /** A Gateway API duration (GEP-2257): whole seconds when it has no smaller part, else ms. */
  static String gatewayDuration(Duration timeout) {
    long millis = Math.max(1, timeout.toMillis());
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private HasMetadata httpRoute(Service.Router router) {
    String gateway = spec.kubernetes().gateway();
    int slash = gateway.indexOf('/');
    List<HTTPRouteRule> rules = new ArrayList<>();
    for (Service.Route route : longestFirst(router)) {
      rules.add(
          new HTTPRouteRuleBuilder()
              .addNewMatch()
              .withNewPath()
              .withType("PathPrefix")
              .withValue(route.path())
              .endPath()
              .endMatch()
              .addNewBackendRef()
              .withName(route.service())
              .withPort(port(route.service()))
              .endBackendRef()
              .withTimeouts(
                  router.timeout() == null
                      ? null
                      : new HTTPRouteTimeoutsBuilder()
                          .withBackendRequest(gatewayDuration(router.timeout()))
                          .build())
              .build());
    }
    return new HTTPRouteBuilder()
        .withMetadata(labels.meta(router.name(), labels.service(router.name(), "router")))
        .withNewSpec()
        .addNewParentRef()
        .withName(slash < 0 ? gateway : gateway.substring(slash + 1))
        .withNamespace(slash < 0 ? null : gateway.substring(0, slash))
        .endParentRef()
        .withHostnames(router.hosts().isEmpty() ? null : router.hosts())
        .withRules(rules)
        .endSpec()
        .build();
  }
}
