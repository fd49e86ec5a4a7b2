package dev.updraft.mesh.testing;

import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.proxy.MeshProxy;
import dev.updraft.mesh.transport.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A proxy started from YAML text for a test, with a client that talks to its first listener. */
public final class TestProxy implements AutoCloseable {
  private final MeshProxy proxy;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private TestProxy(MeshProxy proxy) {
    this.proxy = proxy;
  }

  /** Starts a proxy; the YAML's admin and listener addresses should use port 0. */
  public static TestProxy start(String yaml) {
    MeshConfig config = ConfigFile.parse("test.yaml", yaml);
    return new TestProxy(MeshProxy.start(config, Transport.select(false), System.out));
  }

  /** An explicit proxy in front of {@code upstreams}, with admin on a free port. */
  public static TestProxy explicit(String upstreams) {
    StringBuilder endpoints = new StringBuilder();
    for (String u : upstreams.split(",")) {
      endpoints.append(endpoints.isEmpty() ? "" : ", ").append('"').append(u.trim()).append('"');
    }
    return start(
        """
        admin: 127.0.0.1:0
        eventLoops: 2
        listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
        backends: [{name: b, endpoints: [%s]}]
        """
            .formatted(endpoints));
  }

  public MeshProxy proxy() {
    return proxy;
  }

  public int port() {
    return proxy.address("proxy").getPort();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  public URI admin(String path) {
    return URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + path);
  }

  public HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  public HttpClient client() {
    return client;
  }

  public String metrics() throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(admin("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() {
    proxy.close();
  }
}
