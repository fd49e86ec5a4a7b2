package dev.updraft.mesh.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A balanced set of endpoints.
 *
 * @param name how routes refer to it
 * @param endpoints addresses; DNS names are re-resolved every {@code dnsRefresh}
 * @param protocol HTTP version towards the endpoints
 * @param connectTimeout TCP connect timeout (3.5 s: Linkerd's outbound 1 s is exactly when Linux
 *     retransmits a SYN that found a backend's accept queue full, so a burst at a small-backlog
 *     backend failed where HAProxy's 5 s served it; 3.5 s outlasts two retransmissions)
 * @param failfastTimeout how long requests wait for a ready endpoint before 504 (3 s)
 * @param queueCapacity requests that may wait; beyond it the proxy sheds load with 503 (10,000)
 * @param dnsRefresh how often names are resolved again (5 s)
 * @param breaker per-endpoint circuit breaker
 * @param balancer PeakEWMA settings
 * @param identity the mesh identity the endpoints present: connections to them use mutual TLS and
 *     are refused if the peer is anyone else; plaintext when absent (endpoints outside the mesh)
 */
public record BackendConfig(
    String name,
    List<HostPort> endpoints,
    Protocol protocol,
    Duration connectTimeout,
    Duration failfastTimeout,
    Integer queueCapacity,
    Duration dnsRefresh,
    BreakerConfig breaker,
    BalancerConfig balancer,
    String identity) {
  public BackendConfig {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new MeshConfigException(
          "backends[].name: \"" + name + "\" (expected: letters, digits, '.', '_' or '-')");
    }
    if (endpoints == null || endpoints.isEmpty()) {
      throw new MeshConfigException(
          "backends[" + name + "].endpoints: empty (expected: at least one host:port)");
    }
    for (HostPort endpoint : endpoints) {
      if (endpoint.port() == 0) {
        throw new MeshConfigException(
            "backends[" + name + "].endpoints: " + endpoint + " (expected: a port 1..65535)");
      }
    }
    endpoints = List.copyOf(endpoints);
    protocol = protocol == null ? Protocol.HTTP1 : protocol;
    connectTimeout = positive(name, "connectTimeout", connectTimeout, Duration.ofMillis(3_500));
    failfastTimeout = positive(name, "failfastTimeout", failfastTimeout, Duration.ofSeconds(3));
    dnsRefresh = positive(name, "dnsRefresh", dnsRefresh, Duration.ofSeconds(5));
    queueCapacity = queueCapacity == null ? 10_000 : queueCapacity;
    if (queueCapacity < 0) {
      throw new MeshConfigException(
          "backends[" + name + "].queueCapacity: " + queueCapacity + " (expected: >= 0)");
    }
    breaker = breaker == null ? BreakerConfig.DEFAULT : breaker;
    balancer = balancer == null ? BalancerConfig.DEFAULT : balancer;
    if (identity != null && (identity.isBlank() || !identity.matches("[a-z0-9.-]+"))) {
      throw new MeshConfigException(
          "backends[" + name + "].identity: \"" + identity + "\" (expected: a mesh identity)");
    }
  }

  /** A plaintext backend (outside the mesh). */
  public BackendConfig(
      String name,
      List<HostPort> endpoints,
      Protocol protocol,
      Duration connectTimeout,
      Duration failfastTimeout,
      Integer queueCapacity,
      Duration dnsRefresh,
      BreakerConfig breaker,
      BalancerConfig balancer) {
    this(
        name,
        endpoints,
        protocol,
        connectTimeout,
        failfastTimeout,
        queueCapacity,
        dnsRefresh,
        breaker,
        balancer,
        null);
  }

  /** A backend with defaults for everything but its name and endpoints. */
  public static BackendConfig of(String name, List<HostPort> endpoints) {
    return new BackendConfig(name, endpoints, null, null, null, null, null, null, null, null);
  }

  private static Duration positive(String backend, String field, Duration value, Duration def) {
    Duration d = value == null ? def : value;
    if (d.isNegative() || d.isZero()) {
      throw new MeshConfigException(
          "backends[" + backend + "]." + field + ": " + Durations.format(d) + " (expected: > 0)");
    }
    return d;
  }
}
