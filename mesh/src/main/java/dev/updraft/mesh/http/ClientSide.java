package dev.updraft.mesh.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Where a {@link ClientResponse} sends its response and whom it tells how the exchange went: an
 * HTTP/1.1 connection ({@link DownstreamHandler}) or one stream of an HTTP/2 connection ({@link
 * H2Stream}). The response is HTTP/1-shaped either way; each side frames it for its connection.
 */
interface ClientSide {
  /** Whether the client speaks HTTP/2 (connection-specific headers must not reach it). */
  boolean http2();

  /** Whether the client's request was HTTP/1.0. */
  boolean http10();

  /** The body's end is the connection's end (an HTTP/1.0 body of unknown length). */
  void closeAfterResponse();

  ByteBufAllocator alloc();

  /** Queues part of the response; {@code flush} sends what is queued. */
  void write(HttpObject msg, boolean flush);

  /** Whether the client takes more bytes now; if not, {@code clientWritable} follows later. */
  boolean writable();

  /** The exchange can take more request body. */
  void readRequest();

  /** The exchange is over; {@code reusable} says whether the connection can carry another. */
  void exchangeDone(ClientResponse done, boolean reusable);

  /** The response broke off midway: the client must see the failure. */
  void abort(ClientResponse aborted);

  /** The backend agreed to switch protocols: the connection becomes a byte tunnel (HTTP/1.1). */
  void tunnel(ClientResponse tunnelled, HttpResponse head, Channel upstream);
}
