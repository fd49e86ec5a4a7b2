package dev.updraft.mesh.conformance;

import java.nio.file.Path;
import java.util.List;

/**
 * HAProxy (Debian's 2.6) as the reference: {@code mode http} with its default options, so
 * keep-alive on both sides ({@code option http-keep-alive}, not {@code http-server-close}) and
 * {@code http-reuse safe} for server connections. Only the timeouts are set, because HAProxy
 * refuses to run without them: connect 2 s, client and server 30 s, and {@code timeout
 * http-request} equal to updraft's request-head timeout. HTTP/2 cases get a {@code proto h2} bind.
 */
final class Haproxy implements ExternalProxy.Product {
  @Override
  public String name() {
    return "haproxy";
  }

  @Override
  public String config(Path dir, List<ProxyUnderTest.Slot> slots, List<Integer> ports) {
    StringBuilder out =
        new StringBuilder(
            """
            global
                maxconn 4000

            defaults
                mode http
                timeout connect 2s
                timeout client 30s
                timeout server 30s
                timeout http-request %ds

            """
                .formatted(ProxyUnderTest.HEAD_TIMEOUT.toSeconds()));
    for (int i = 0; i < slots.size(); i++) {
      ProxyUnderTest.Slot s = slots.get(i);
      out.append("listen c")
          .append(s.index())
          .append("\n    bind 127.0.0.1:")
          .append(ports.get(i))
          .append(s.http2() ? " proto h2" : "")
          .append("\n    server backend 127.0.0.1:")
          .append(s.backendPort())
          .append("\n\n");
    }
    return out.toString();
  }

  @Override
  public List<String> command(Path dir, Path config) {
    return List.of("haproxy", "-db", "-f", config.toString());
  }
}
