package dev.updraft.mesh.http;

import io.netty.handler.codec.http.HttpContent;

/**
 * One request, or one attempt at it, as a layer of the HTTP stack sees the layer below: the request
 * goes down through these methods and the response comes back up through a {@link Responder}. All
 * of them run on the exchange's event loop; events from other loops hop onto it first.
 *
 * <p>The rules every layer keeps, so that each can be written and tested alone:
 *
 * <ul>
 *   <li>{@link #start} comes first and once; the request head is {@link Exchange#request}.
 *   <li>Body chunks come in order, the last one a {@code LastHttpContent}, and only after the call
 *       asked for them with {@link Responder#readRequest}: a layer still choosing an endpoint never
 *       holds body bytes. A request without a body ({@link Exchange#hasBody} false) gets none.
 *   <li>The call ends when it sent the response's last part or a failure up, or when it was
 *       cancelled. Then it sends nothing more up, and nothing more is sent down to it.
 * </ul>
 */
public interface HttpCall {
  /** Starts the request. */
  void start();

  /** The next body chunk; ownership passes to the call. */
  void requestContent(HttpContent chunk);

  /** The layer above can take more of the response (reads are explicit on both sides). */
  void readResponse();

  /**
   * The layer above gives the call up: everything it holds is released, and an upstream request in
   * progress is aborted (connection closed or stream reset), never completed. May come at any time,
   * even before {@link #start} reached this call. {@code cause} is a {@link CancelledByClient} when
   * the client went away or broke its request off (nobody downstream is to blame), or the proxy's
   * own reason (a timeout, a retry) that counts as a failed attempt.
   */
  void cancel(Throwable cause);
}
