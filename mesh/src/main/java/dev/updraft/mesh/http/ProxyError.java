package dev.updraft.mesh.http;

import dev.updraft.mesh.balance.FailFastException;
import dev.updraft.mesh.balance.LoadShedException;
import dev.updraft.mesh.edge.EdgeException;
import dev.updraft.mesh.policy.PolicyException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A response the proxy makes up when it cannot get one from a backend, with Linkerd's status codes
 * (504 fail-fast and timeouts, 503 load shed, 502 upstream failures, 403 unauthorized, 429 rate
 * limited), the {@code l5d-proxy-error} header, and for gRPC clients a trailers-only response with
 * the matching grpc-status.
 *
 * @param status HTTP status for HTTP clients
 * @param grpcStatus gRPC status code for gRPC clients
 * @param label the {@code error} label of response_total
 * @param message the {@code l5d-proxy-error} text
 * @param closeConnection whether the client connection should close afterwards (fatal errors)
 */
public record ProxyError(
    int status, int grpcStatus, String label, String message, boolean closeConnection) {
  public static final String HEADER = "l5d-proxy-error";
  private static final int GRPC_DEADLINE_EXCEEDED = 4;
  private static final int GRPC_UNAVAILABLE = 14;
  private static final int GRPC_INTERNAL = 13;
  private static final int GRPC_PERMISSION_DENIED = 7;
  private static final int GRPC_RESOURCE_EXHAUSTED = 8;

  /** Maps a failure to the response Linkerd would synthesize. */
  public static ProxyError of(Throwable cause) {
    return switch (cause) {
      case PolicyException e when e.rateLimited() ->
          new ProxyError(429, GRPC_RESOURCE_EXHAUSTED, "RATE_LIMITED", e.getMessage(), false);
      case PolicyException e ->
          new ProxyError(403, GRPC_PERMISSION_DENIED, "UNAUTHORIZED", e.getMessage(), false);
      case FailFastException e ->
          new ProxyError(504, GRPC_DEADLINE_EXCEEDED, "FAIL_FAST", e.getMessage(), false);
      case LoadShedException e ->
          new ProxyError(503, GRPC_UNAVAILABLE, "LOAD_SHED", e.getMessage(), false);
      case RouteTimeoutException e ->
          new ProxyError(504, GRPC_DEADLINE_EXCEEDED, e.kind().name(), e.getMessage(), false);
      case UpstreamException e when e.getCause() instanceof EdgeException malformed ->
          new ProxyError(
              malformed.status(),
              GRPC_UNAVAILABLE,
              "MALFORMED_RESPONSE",
              e.getMessage() + ": " + malformed.getMessage(),
              true);
      case UpstreamException e ->
          new ProxyError(
              502,
              GRPC_UNAVAILABLE,
              e.isConnectFailure() ? "CONNECT_ERROR" : "UPSTREAM_RESET",
              e.getMessage(),
              true);
      default -> new ProxyError(502, GRPC_INTERNAL, "PROXY_ERROR", String.valueOf(cause), true);
    };
  }

  /** A 404 for a request no route takes. */
  public static ProxyError noRoute(String what) {
    return new ProxyError(404, 12, "NO_ROUTE", "no route for " + what, false);
  }

  /** The response for an HTTP or, when {@code grpc}, a gRPC client. */
  public FullHttpResponse toResponse(boolean grpc, ByteBufAllocator alloc) {
    String text = message == null ? label : message;
    if (grpc) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, alloc.buffer(0));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
      response.headers().set("grpc-status", Integer.toString(grpcStatus));
      response.headers().set("grpc-message", sanitize(text));
      response.headers().set(HEADER, sanitize(text));
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      return response;
    }
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            alloc.buffer(body.length).writeBytes(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HEADER, sanitize(text));
    if (closeConnection) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  // Header values must not carry control characters, whatever an exception message contains.
  private static String sanitize(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 256));
    for (int i = 0; i < text.length() && out.length() < 256; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : ' ');
    }
    return out.toString();
  }
}
