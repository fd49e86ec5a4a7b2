package dev.updraft.mesh.stack;

import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.http.AccessLog;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.ForwardingCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.ProxyError;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.http.UpstreamClient;
import dev.updraft.mesh.metrics.RouteStats;
import dev.updraft.mesh.policy.PortPolicy;
import dev.updraft.mesh.transport.PeerIdentity;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Records what happened to each request: the route's request, response and latency metrics
 * (Linkerd's {@code request_total}, {@code response_total}, {@code response_latency_ms}), with the
 * error label of a synthesized failure, and the access log line. It sits on top of the stack, so it
 * sees every failure the layers below report, and the response as the client gets it.
 */
final class RouteMetrics extends ForwardingCall {
  private final RouteStats stats;
  private int status;
  private boolean started;
  private boolean done;

  private RouteMetrics(NewCall next, Exchange exchange, Responder up) {
    super(exchange, up);
    this.stats = stats(exchange);
    below(next);
  }

  // An inbound request (its connection has a port policy) is counted under its client's identity.
  private static RouteStats stats(Exchange exchange) {
    RouteStats route = exchange.route().stats();
    if (exchange.client() == null || PortPolicy.of(exchange.client()) == null) {
      return route;
    }
    PeerIdentity peer = PeerIdentity.of(exchange.client());
    return route.client(peer.tls(), peer.clientId());
  }

  static Layer layer() {
    return next -> (exchange, up) -> new RouteMetrics(next, exchange, up);
  }

  @Override
  public void start() {
    stats.onRequest();
    inner.start();
  }

  @Override
  public void cancel(Throwable cause) {
    done = true; // the client went away: nothing was answered, so nothing is recorded
    inner.cancel(cause);
  }

  @Override
  public void responseHead(HttpResponse head) {
    status = head.status().code();
    started = true;
    stats.onResponseStart(status, exchange.now() - exchange.start());
    if (head instanceof LastHttpContent last) {
      end(Classify.success(exchange, status, last), "");
    }
    up.responseHead(head);
  }

  @Override
  public void responseContent(HttpContent chunk) {
    if (chunk instanceof LastHttpContent last) {
      end(Classify.success(exchange, status, last), "");
    }
    up.responseContent(chunk);
  }

  @Override
  public void fail(Throwable cause) {
    ProxyError error = ProxyError.of(cause);
    if (!started) {
      // The client gets a synthesized answer; gRPC clients get theirs as a 200 with trailers.
      status = exchange.grpc() ? 200 : error.status();
      stats.onResponseStart(status, exchange.now() - exchange.start());
    }
    end(false, error.label());
    up.fail(cause);
  }

  private void end(boolean success, String error) {
    if (done) {
      return;
    }
    done = true;
    stats.onResponseEnd(status, success, error);
    AccessLog log = exchange.context().accessLog();
    if (log != null) {
      Endpoint<UpstreamClient> endpoint = exchange.endpoint();
      log.log(
          exchange.request().method().name(),
          exchange.request().uri(),
          exchange.request().headers().get(HttpHeaderNames.HOST),
          status,
          exchange.route().name(),
          endpoint == null ? null : endpoint.label(),
          (exchange.now() - exchange.start()) / 1000,
          error);
    }
  }
}
