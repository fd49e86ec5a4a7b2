package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestProxy;
import dev.updraft.mesh.testing.TestResolver;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A backend named in DNS follows the name when its addresses change. */
class DiscoveryIT {
  @Test
  @SuppressWarnings("try") // the second backend only has to be there, at the new address
  void endpointsFollowDnsChanges() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    InetAddress second = InetAddress.getByName("127.0.0.2");
    try (TestBackend one = TestBackend.start(0, e -> TestBackend.respond(e, 200, "one"));
        TestBackend two =
            TestBackend.onAddress(second, one.port(), e -> TestBackend.respond(e, 200, "two"))) {
      TestResolver.set("api.updraft.test", loopback);
      try (TestProxy proxy =
          TestProxy.start(
              """
              admin: 127.0.0.1:0
              listeners: [{name: proxy, address: "127.0.0.1:0", backend: api}]
              backends: [{name: api, endpoints: ["api.updraft.test:%d"], dnsRefresh: 100ms}]
              """
                  .formatted(one.port()))) {
        assertThat(proxy.get("/").body()).isEqualTo("one");
        TestResolver.set("api.updraft.test", second);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String body = "one";
        while (!body.equals("two") && System.nanoTime() < deadline) {
          Thread.sleep(50);
          body = proxy.get("/").body();
        }
        assertThat(body).as("the proxy followed the new address").isEqualTo("two");
        assertThat(proxy.metrics())
            .contains("endpoint=\"127.0.0.2:" + one.port() + "\"")
            .doesNotContain("endpoint=\"127.0.0.1:" + one.port() + "\"");
      }
    }
  }
}
