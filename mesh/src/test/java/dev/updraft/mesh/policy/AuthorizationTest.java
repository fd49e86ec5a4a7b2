package dev.updraft.mesh.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.mesh.config.AuthorizationConfig;
import dev.updraft.mesh.config.Cidr;
import dev.updraft.mesh.config.MeshConfigException;
import dev.updraft.mesh.transport.PeerIdentity;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationTest {
  private static final String FRONT = "frontend.shop.serviceaccount.identity.updraft.cluster.local";
  private static final PeerIdentity FRONTEND = new PeerIdentity(true, FRONT);
  private static final PeerIdentity ANONYMOUS_TLS = new PeerIdentity(true, null);

  @Test
  void meshTlsIdentitiesMatchExactlyBySuffixOrAny() throws Exception {
    InetAddress local = InetAddress.getLoopbackAddress();
    assertThat(rule(List.of(FRONT), null).admits(local, FRONTEND)).isTrue();
    assertThat(
            rule(List.of("*.shop.serviceaccount.identity.updraft.cluster.local"), null)
                .admits(local, FRONTEND))
        .isTrue();
    assertThat(
            rule(List.of("*.other.serviceaccount.identity.updraft.cluster.local"), null)
                .admits(local, FRONTEND))
        .isFalse();
    assertThat(rule(List.of("*"), null).admits(local, FRONTEND)).isTrue();
    assertThat(rule(List.of("*"), null).admits(local, ANONYMOUS_TLS)).isFalse();
    assertThat(rule(List.of("*"), null).admits(local, PeerIdentity.PLAINTEXT)).isFalse();
    assertThat(rule(null, null).admits(local, PeerIdentity.PLAINTEXT)).isTrue();
  }

  @Test
  void networksRestrictWhereClientsComeFrom() throws Exception {
    Authorization cluster = rule(null, List.of("10.0.0.0/8", "fd00::/8"));
    assertThat(cluster.admits(InetAddress.getByName("10.1.2.3"), PeerIdentity.PLAINTEXT)).isTrue();
    assertThat(cluster.admits(InetAddress.getByName("fd00::1"), PeerIdentity.PLAINTEXT)).isTrue();
    assertThat(cluster.admits(InetAddress.getByName("127.0.0.1"), PeerIdentity.PLAINTEXT))
        .isFalse();
    assertThat(Cidr.parse("n", "192.168.1.7").contains(InetAddress.getByName("192.168.1.7")))
        .isTrue();
  }

  @Test
  void routeLevelAuthorizationsCoverTheirRequestsOnly() {
    Authorization publicGets =
        Authorization.of(
            new AuthorizationConfig(
                "public",
                null,
                null,
                List.of(new AuthorizationConfig.RouteMatchConfig("/public", List.of("GET")))));
    assertThat(publicGets.covers("GET", "/public/a")).isTrue();
    assertThat(publicGets.covers("POST", "/public/a")).isFalse();
    assertThat(publicGets.covers("GET", "/private")).isFalse();
  }

  @Test
  void badRulesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> new AuthorizationConfig("a", List.of("fr*nt"), null, null))
        .isInstanceOf(MeshConfigException.class)
        .hasMessage("authorizations[a].meshTLS: \"fr*nt\" (expected: an identity, *.suffix or *)");
    assertThatThrownBy(() -> new AuthorizationConfig("a", null, List.of("10.0.0.0/33"), null))
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> Cidr.parse("networks", "example.com"))
        .hasMessage("networks: \"example.com\" (expected: an IP network such as 10.0.0.0/8)");
  }

  private static Authorization rule(List<String> identities, List<String> networks) {
    return Authorization.of(new AuthorizationConfig("r", identities, networks, null));
  }
}
