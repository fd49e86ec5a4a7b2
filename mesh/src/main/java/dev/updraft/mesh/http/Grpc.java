package dev.updraft.mesh.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/** gRPC facts the proxy needs: which requests are gRPC, and the status a message carries. */
public final class Grpc {
  private static final int UNKNOWN = 2;

  private Grpc() {}

  public static boolean isGrpc(HttpHeaders headers) {
    String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
    return contentType != null && contentType.startsWith("application/grpc");
  }

  /** The {@code grpc-status} in these headers or trailers, or -1 when there is none. */
  public static int status(HttpHeaders headers) {
    String value = headers.get("grpc-status");
    if (value == null) {
      return -1;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return UNKNOWN; // a malformed status is a failure
    }
  }
}
