package dev.updraft.mesh.http;

import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.edge.Http1ServerCodec;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * One request through the proxy, as the layers of the stack see it: what it is (its head, route,
 * framing, the client's protocol) and what its current attempt has found out (backend, endpoint,
 * upstream). It plays the part of linkerd2-proxy's stack targets and request extensions: a layer
 * reads the facts it needs here instead of knowing the layers around it. It lives on the client's
 * event loop and needs no locks.
 */
public final class Exchange {
  /** A switching response and the upstream connection that becomes the client's byte tunnel. */
  public record Upgrade(HttpResponse head, Channel upstream) {}

  private final HttpContext context;
  private final HttpRequest request;
  private final Route route;
  private final EventLoop loop;
  private final boolean fromHttp2;
  private final boolean hasBody;
  private final boolean grpc;
  private final boolean tunnel;
  private final long start;

  private Backend backend;
  private Backend endpointBackend;
  private Endpoint<UpstreamClient> endpoint;
  private Upstream upstream;
  private Upgrade upgrade;
  private Channel client;

  /**
   * @param fromHttp2 whether the client speaks HTTP/2 (a stream of an HTTP/2 connection)
   * @param hasBody whether the request has a body, as its head says (RFC 9112 section 6: neither
   *     Content-Length nor Transfer-Encoding means none; an HTTP/2 request whose HEADERS ended the
   *     stream has none). The framing towards the backend follows from it alone, never from how
   *     much of the body has arrived when the request is sent.
   */
  public Exchange(
      HttpContext context,
      HttpRequest request,
      Route route,
      EventLoop loop,
      boolean fromHttp2,
      boolean hasBody) {
    this.context = context;
    this.request = request;
    this.route = route;
    this.loop = loop;
    this.fromHttp2 = fromHttp2;
    this.hasBody = hasBody;
    this.grpc = Grpc.isGrpc(request.headers());
    this.tunnel = !fromHttp2 && Http1ServerCodec.mayTunnel(request);
    this.start = context.clock().getAsLong();
  }

  /** RFC 9112 section 6.3: a request without Content-Length and Transfer-Encoding has no body. */
  public static boolean declaresBody(HttpRequest head) {
    if (HttpUtil.isTransferEncodingChunked(head)) {
      return true;
    }
    String length = head.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null) {
      return false;
    }
    try {
      return Long.parseLong(length.trim()) != 0;
    } catch (NumberFormatException e) {
      return true; // the decoder rejects these; if one gets here, its header is kept as it is
    }
  }

  public HttpContext context() {
    return context;
  }

  public HttpRequest request() {
    return request;
  }

  public Route route() {
    return route;
  }

  public EventLoop loop() {
    return loop;
  }

  public boolean fromHttp2() {
    return fromHttp2;
  }

  public boolean hasBody() {
    return hasBody;
  }

  public boolean grpc() {
    return grpc;
  }

  /** An HTTP/1.1 Upgrade or CONNECT: if the backend agrees, the connection becomes a tunnel. */
  public boolean tunnel() {
    return tunnel;
  }

  /** When the request arrived, on the context's clock. */
  public long start() {
    return start;
  }

  /** The context's clock now. */
  public long now() {
    return context.clock().getAsLong();
  }

  /** The client's connection (for an HTTP/2 stream, the connection it is on), or null. */
  public Channel client() {
    return client;
  }

  /** Records the client's channel: its connection carries the peer identity and port policy. */
  public void client(Channel channel) {
    client = channel;
  }

  /** The backend of the current attempt. */
  public Backend backend() {
    return backend;
  }

  public void backend(Backend chosen) {
    backend = chosen;
  }

  /** The endpoint of the current (or last) attempt, or null before one was chosen. */
  public Endpoint<UpstreamClient> endpoint() {
    return endpoint;
  }

  public void endpoint(Backend of, Endpoint<UpstreamClient> chosen) {
    endpointBackend = of;
    endpoint = chosen;
  }

  /** The last attempt's endpoint if it belongs to {@code of}: the one a new attempt avoids. */
  public Endpoint<UpstreamClient> lastEndpoint(Backend of) {
    return endpointBackend == of ? endpoint : null;
  }

  /** Hands a connected upstream to the layer that streams over it. */
  public void upstream(Upstream connected) {
    upstream = connected;
  }

  /** Takes the upstream handed over; the taker owns (and releases) it. */
  public Upstream takeUpstream() {
    Upstream taken = upstream;
    upstream = null;
    return taken;
  }

  /** The backend agreed to switch protocols: the client side splices this connection on. */
  public void upgrade(HttpResponse head, Channel upstream) {
    upgrade = new Upgrade(head, upstream);
  }

  /** The agreed upgrade, taken once by the client side. */
  public Upgrade takeUpgrade() {
    Upgrade taken = upgrade;
    upgrade = null;
    return taken;
  }
}
