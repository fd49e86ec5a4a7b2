package dev.updraft.mesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigFileTest {
  private static final String FULL =
      """
      admin: 127.0.0.1:9991
      eventLoops: 1
      detectTimeout: 2s
      listeners:
        - name: web
          address: 127.0.0.1:0
          backend: web
          routes:
            - name: api
              match: {pathPrefix: /api, method: GET, hosts: ["API.example.com"]}
              backends: [{name: web, weight: 9}, {name: canary, weight: 1}]
              timeouts: {request: 10s, responseHeaders: 500ms}
              retry: {limit: 1, http: [5xx], grpc: [unavailable], budget: {ratio: 0.5}}
      backends:
        - name: web
          endpoints: [127.0.0.1:8081, "localhost:8082"]
          breaker: {maxFailures: 3}
        - name: canary
          protocol: http2
          endpoints: ["[::1]:8083"]
      """;

  @Test
  void parsesAFullConfigurationWithDefaults() {
    MeshConfig config = ConfigFile.parse("mesh.yaml", FULL);
    assertThat(config.admin()).isEqualTo(new HostPort("127.0.0.1", 9991));
    assertThat(config.detectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.opaquePorts()).isEqualTo(MeshConfig.DEFAULT_OPAQUE_PORTS);
    ListenerConfig web = config.listeners().getFirst();
    RouteConfig api = web.routes().getFirst();
    assertThat(api.match().hosts()).containsExactly("api.example.com");
    assertThat(api.timeouts().responseHeaders()).isEqualTo(Duration.ofMillis(500));
    assertThat(api.retry().httpStatuses().get(503)).isTrue();
    assertThat(api.retry().httpStatuses().get(404)).isFalse();
    assertThat(api.retry().budget().ratio()).isEqualTo(0.5);
    assertThat(api.retry().budget().minPerSecond()).isEqualTo(10);
    BackendConfig backend = config.backend("web");
    assertThat(backend.breaker().maxFailures()).isEqualTo(3);
    assertThat(backend.breaker().maxPenalty()).isEqualTo(Duration.ofSeconds(60));
    assertThat(backend.balancer().defaultRtt()).isEqualTo(Duration.ofMillis(30));
    assertThat(backend.failfastTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.backend("canary").endpoints()).containsExactly(new HostPort("::1", 8083));
    assertThat(config.backend("canary").protocol()).isEqualTo(Protocol.HTTP2);
  }

  @Test
  void unknownFieldsAreErrorsWithLineAndColumn() {
    assertThatThrownBy(() -> ConfigFile.parse("mesh.yaml", "admin: 127.0.0.1:1\nadmn: x\n"))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageStartingWith("mesh.yaml:2:")
        .hasMessageContaining("admn");
  }

  @Test
  void badValuesNameTheFieldAndExpectation() {
    assertThatThrownBy(() -> ConfigFile.parse("m.yaml", "detectTimeout: soon\n"))
        .hasMessageContaining("detectTimeout: \"soon\" (expected: a duration");
    assertThatThrownBy(() -> ConfigFile.parse("m.yaml", "admin: nowhere\n"))
        .hasMessageContaining("admin: \"nowhere\" (expected: host:port)");
    String unknownBackend =
        """
        listeners: [{name: a, address: "127.0.0.1:1", backend: ghost}]
        backends: [{name: real, endpoints: ["127.0.0.1:2"]}]
        """;
    assertThatThrownBy(() -> ConfigFile.parse("m.yaml", unknownBackend))
        .hasMessageContaining("listeners[a].backend: \"ghost\" (expected: one of [real])");
    String badRetry =
        """
        listeners: [{name: a, address: "127.0.0.1:1", routes: [{backends: [{name: b}], retry: {http: [7xx]}}]}]
        backends: [{name: b, endpoints: ["127.0.0.1:2"]}]
        """;
    assertThatThrownBy(() -> ConfigFile.parse("m.yaml", badRetry))
        .hasMessageContaining("retry.http: \"7xx\"");
  }

  @Test
  void identityAndPolicySectionsParseAndBadValuesNameTheirField() throws Exception {
    String text =
        new String(
            getClass()
                .getResourceAsStream("ConfigFileFuzzTestInputs/parse/mesh.yaml")
                .readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    MeshConfig config = ConfigFile.parse("mesh.yaml", text);
    assertThat(config.identity().minRefresh()).hasSeconds(10);
    assertThat(config.backend("app").identity())
        .isEqualTo("db.shop.serviceaccount.identity.updraft.cluster.local");
    assertThat(config.policy().defaultPolicy())
        .isEqualTo(PolicyConfig.DefaultPolicy.CLUSTER_AUTHENTICATED);
    assertThat(config.policy().servers().getFirst().rateLimit().identity()).isEqualTo(10);
    assertThat(ConfigFile.parse("m.yaml", "admin: 127.0.0.1:1\n").policy().defaultPolicy())
        .isEqualTo(PolicyConfig.DefaultPolicy.ALL_UNAUTHENTICATED);

    assertThatThrownBy(() -> ConfigFile.parse("m.yaml", "policy: {defaultPolicy: open}\n"))
        .hasMessageStartingWith("m.yaml:1:")
        .hasMessageContaining("defaultPolicy: \"open\" (expected: all-unauthenticated");
    assertThatThrownBy(
            () ->
                ConfigFile.parse(
                    "m.yaml", "policy:\n  servers: [{name: s, port: 1, rateLimit: {total: 0}}]\n"))
        .hasMessageContaining("rateLimit.total: 0 (expected: requests per second >= 1)");
    assertThatThrownBy(
            () ->
                ConfigFile.parse(
                    "m.yaml",
                    "policy:\n  servers: [{name: s, port: 1, authorizations: [{name: a,"
                        + " networks: [nowhere]}]}]\n"))
        .hasMessageContaining("authorizations[a].networks: \"nowhere\" (expected: an IP network");
    assertThatThrownBy(() -> ConfigFile.parse("m.yaml", "identity: {name: web, url: http://x:1}\n"))
        .hasMessageContaining("identity.url: http://x:1 (expected: https://host:port)");
  }

  @Test
  void theTlsProviderIsChosenInTheIdentitySectionAndAnUnknownOneIsNamed() {
    String identity =
        "identity: {name: web.shop.serviceaccount.identity.updraft.cluster.local,"
            + " url: https://127.0.0.1:1, tokenFile: t, trustAnchors: a%s}\n";
    assertThat(ConfigFile.parse("m.yaml", identity.formatted("")).identity().tlsProvider())
        .isNull();
    assertThat(
            ConfigFile.parse("m.yaml", identity.formatted(", tlsProvider: jdk"))
                .identity()
                .tlsProvider())
        .isEqualTo(TlsProvider.JDK);
    assertThat(
            ConfigFile.parse("m.yaml", identity.formatted(", tlsProvider: boringssl"))
                .identity()
                .tlsProvider())
        .isEqualTo(TlsProvider.BORINGSSL);
    assertThatThrownBy(
            () -> ConfigFile.parse("m.yaml", identity.formatted(", tlsProvider: openssl")))
        .hasMessageContaining("tlsProvider: \"openssl\" (expected: ");
  }

  @Test
  void noListenersMeansLinkerdsTransparentDefaults() {
    MeshConfig config = new MeshConfig(null, null, null, null, null, null, null, null, null);
    assertThat(config.listeners())
        .extracting(ListenerConfig::address)
        .containsExactly(new HostPort("127.0.0.1", 4140), new HostPort("0.0.0.0", 4143));
    assertThat(config.admin()).isEqualTo(new HostPort("127.0.0.1", 4191));
    assertThat(config.eventLoops())
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  @Test
  void explicitModeBuildsOneListenerAndOneBackend() {
    MeshConfig config =
        ExplicitConfig.of(
            HostPort.parse("--listen", "127.0.0.1:8090"),
            "127.0.0.1:8081, 127.0.0.1:8082",
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            null);
    assertThat(config.backend("upstream").endpoints()).hasSize(2);
    assertThat(config.listeners().getFirst().backend()).isEqualTo("upstream");
  }

  @Test
  void parsesDurationsAndAddresses() {
    assertThat(Durations.parse("t", "300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(Durations.parse("t", "PT2S")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(HostPort.parse("a", ":4140")).isEqualTo(new HostPort("0.0.0.0", 4140));
    assertThatThrownBy(() -> HostPort.parse("a", "::1:80")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> HostPort.parse("a", "h:99999")).hasMessageContaining("port 0..65535");
    assertThat(List.of(HostPort.parse("a", "[::1]:80").toString())).containsExactly("[::1]:80");
  }

  @Test
  void connectionTimeoutsDefaultToHaproxyAndLinkerdAndCanBeSet() {
    MeshConfig defaults = ConfigFile.parse("mesh.yaml", FULL);
    assertThat(defaults.connectionTimeouts())
        .isEqualTo(
            new ConnectionTimeouts(
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                Duration.ofSeconds(3)));
    MeshConfig set =
        ConfigFile.parse(
            "mesh.yaml", "connectionTimeouts: {requestHead: 2s, upstreamIdle: 500ms}\n" + FULL);
    assertThat(set.connectionTimeouts().requestHead()).isEqualTo(Duration.ofSeconds(2));
    assertThat(set.connectionTimeouts().keepAlive()).isEqualTo(Duration.ofSeconds(30));
    assertThat(set.connectionTimeouts().upstreamIdle()).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(
            () -> ConfigFile.parse("mesh.yaml", "connectionTimeouts: {keepAlive: 0s}\n" + FULL))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("connectionTimeouts.keepAlive: 0ms (expected: > 0)");
    assertThatThrownBy(
            () -> ConfigFile.parse("mesh.yaml", "connectionTimeouts: {requestBdy: 1s}\n" + FULL))
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.yaml:1:")
        .hasMessageContaining("requestBdy");
  }
}
