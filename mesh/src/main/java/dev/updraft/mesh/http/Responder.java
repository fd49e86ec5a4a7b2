package dev.updraft.mesh.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** Where a call sends its response: the layer above it, and at the top, the client. */
public interface Responder {
  /**
   * The response head (interim 1xx responses never come up). When it is also a {@code
   * LastHttpContent} (a {@code FullHttpResponse}), the response and the call are complete.
   */
  void responseHead(HttpResponse head);

  /** The next response chunk; the {@code LastHttpContent} completes the response and the call. */
  void responseContent(HttpContent chunk);

  /**
   * The call failed and is over; the layer that reports it has released everything below. Before
   * the response started the client gets a synthesized error; after, its response is cut off.
   */
  void fail(Throwable cause);

  /** The call can take (more) request body. */
  void readRequest();
}
