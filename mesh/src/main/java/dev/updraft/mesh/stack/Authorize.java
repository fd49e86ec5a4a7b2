package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.policy.PolicyException;
import dev.updraft.mesh.policy.PortPolicy;
import dev.updraft.mesh.policy.Verdict;
import dev.updraft.mesh.transport.PeerIdentity;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Judges each inbound request by its connection's port policy (Linkerd's {@code policy/http.rs}):
 * an authorization must admit the client for this route, and the local rate limit must allow it. A
 * refused request never reaches the layers below: it gets 403 or 429 with {@code l5d-proxy-error},
 * and the connection stays open. Outbound requests carry no port policy and pass.
 */
final class Authorize implements HttpCall {
  static final String CLIENT_ID = "l5d-client-id";

  private final Responder up;
  private final PolicyException refusal;

  private Authorize(Responder up, PolicyException refusal) {
    this.up = up;
    this.refusal = refusal;
  }

  static Layer layer() {
    return next ->
        (exchange, up) -> {
          PortPolicy policy = exchange.client() == null ? null : PortPolicy.of(exchange.client());
          if (policy == null) {
            return next.newCall(exchange, up);
          }
          Verdict verdict =
              policy.admitHttp(
                  exchange.client(), exchange.request().method().name(), path(exchange));
          return switch (verdict) {
            case Verdict.Allow allow -> {
              clientId(exchange);
              yield next.newCall(exchange, up);
            }
            case Verdict.Deny deny -> new Authorize(up, PolicyException.of(deny));
            case Verdict.RateLimited limited -> new Authorize(up, PolicyException.of(limited));
          };
        };
  }

  /**
   * Tells the application who called, as Linkerd's inbound proxy does: {@code l5d-client-id} is the
   * mesh identity the client proved in the TLS handshake. One a client sent itself is removed
   * first, so the header can be trusted wherever the proxy stands in front of the application.
   */
  private static void clientId(Exchange exchange) {
    HttpHeaders headers = exchange.request().headers();
    headers.remove(CLIENT_ID);
    PeerIdentity peer = PeerIdentity.of(exchange.client());
    if (peer.tls() && peer.clientId() != null) {
      headers.set(CLIENT_ID, peer.clientId());
    }
  }

  private static String path(Exchange exchange) {
    return new QueryStringDecoder(exchange.request().uri()).rawPath();
  }

  @Override
  public void start() {
    up.fail(refusal);
  }

  @Override
  public void requestContent(HttpContent chunk) {
    chunk.release();
  }

  @Override
  public void readResponse() {}

  @Override
  public void cancel(Throwable cause) {}
}
