package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.Grpc;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Whether a finished response counts as a success, for metrics and for the endpoint's breaker: a
 * status below 500 and, for gRPC, a {@code grpc-status} of 0 (or none) in its trailers or, for a
 * trailers-only response, its head (Linkerd's classify).
 */
final class Classify {
  private Classify() {}

  static boolean success(Exchange exchange, int status, LastHttpContent last) {
    if (status >= 500) {
      return false;
    }
    if (!exchange.grpc()) {
      return true;
    }
    int code = Grpc.status(last.trailingHeaders());
    if (code < 0 && last instanceof HttpResponse head) {
      code = Grpc.status(head.headers());
    }
    return code <= 0;
  }
}
