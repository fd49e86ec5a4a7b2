package dev.updraft.mesh.conformance;

import java.nio.file.Path;
import java.util.List;

/**
 * nginx as a reverse proxy the way its documentation sets one up for pooled upstream connections:
 * {@code proxy_http_version 1.1}, an empty {@code Connection} header and an upstream {@code
 * keepalive} pool; everything else at its defaults (request buffering on, {@code
 * ignore_invalid_headers on}). The head timeout ({@code client_header_timeout}) equals updraft's.
 * HTTP/2 cases get a {@code listen ... http2} (prior knowledge).
 */
final class Nginx implements ExternalProxy.Product {
  @Override
  public String name() {
    return "nginx";
  }

  @Override
  public String config(Path dir, List<ProxyUnderTest.Slot> slots, List<Integer> ports) {
    StringBuilder out =
        new StringBuilder(
            """
            daemon off;
            master_process off;
            worker_processes 1;
            pid %1$s/nginx.pid;
            error_log %1$s/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path %1$s/body;
              proxy_temp_path %1$s/proxy;
              fastcgi_temp_path %1$s/fastcgi;
              uwsgi_temp_path %1$s/uwsgi;
              scgi_temp_path %1$s/scgi;
              client_header_timeout %2$ds;
              proxy_connect_timeout 2s;
            """
                .formatted(dir, ProxyUnderTest.HEAD_TIMEOUT.toSeconds()));
    for (int i = 0; i < slots.size(); i++) {
      ProxyUnderTest.Slot s = slots.get(i);
      out.append(
          """
            upstream c%1$d { server 127.0.0.1:%2$d; keepalive 8; }
            server {
              listen 127.0.0.1:%3$d%4$s;
              location / {
                proxy_pass http://c%1$d;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
              }
            }
          """
              .formatted(s.index(), s.backendPort(), ports.get(i), s.http2() ? " http2" : ""));
    }
    return out.append("}\n").toString();
  }

  @Override
  public List<String> command(Path dir, Path config) {
    return List.of(
        "nginx",
        "-p",
        dir + "/",
        "-c",
        config.toString(),
        "-e",
        dir.resolve("error.log").toString());
  }
}
