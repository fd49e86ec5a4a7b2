package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkloadNameTest {
  @Test
  void namesTheWorkloadAsLinkerdAndSpiffeDo() {
    WorkloadName web = new WorkloadName("web", "shop", "updraft", "cluster.local");
    assertThat(web.dnsName()).isEqualTo("web.shop.serviceaccount.identity.updraft.cluster.local");
    assertThat(web.spiffeId()).isEqualTo("spiffe://cluster.local/ns/shop/sa/web");
  }

  @Test
  void parsesItsDnsFormBack() {
    WorkloadName parsed =
        WorkloadName.parse("id", "default.emojivoto.serviceaccount.identity.linkerd.cluster.local");
    assertThat(parsed)
        .isEqualTo(new WorkloadName("default", "emojivoto", "linkerd", "cluster.local"));
  }

  @Test
  void refusesNamesThatAreNotWorkloadIdentities() {
    assertThatThrownBy(() -> WorkloadName.parse("identity", "web.shop.svc.cluster.local"))
        .isInstanceOf(IdentityException.class)
        .hasMessageStartingWith(
            "identity: \"web.shop.svc.cluster.local\" (expected: <serviceaccount>");
    assertThatThrownBy(() -> new WorkloadName("Web", "shop", "updraft", "cluster.local"))
        .hasMessageContaining("serviceAccount: \"Web\"");
    assertThatThrownBy(() -> new WorkloadName("web", "shop", "updraft", "bad..domain"))
        .hasMessageContaining("trustDomain: \"bad..domain\"");
  }
}
