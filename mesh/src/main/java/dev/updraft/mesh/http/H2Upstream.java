package dev.updraft.mesh.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2StreamChannel;

/** One stream on a shared HTTP/2 connection. */
final class H2Upstream implements Upstream {
  private final Http2StreamChannel stream;
  private final UpstreamHandler handler;
  private final Http2Connection connection;
  private boolean refusedByPeer;

  H2Upstream(Http2StreamChannel stream, UpstreamHandler handler, Http2Connection connection) {
    this.stream = stream;
    this.handler = handler;
    this.connection = connection;
    handler.attach(this);
  }

  @Override
  public Channel channel() {
    return stream;
  }

  @Override
  public boolean reused() {
    return false;
  }

  @Override
  public boolean http2() {
    return true;
  }

  @Override
  public void bind(UpstreamListener listener) {
    handler.bind(listener);
  }

  /** The server reset the stream with REFUSED_STREAM. */
  void refusedByPeer() {
    refusedByPeer = true;
  }

  /**
   * RFC 9113 section 8.7: REFUSED_STREAM, and a GOAWAY whose last stream id is below this stream,
   * mean the server did no processing; so does a stream the codec refused to open (the server's
   * limit went down while the request was on its way out).
   */
  @Override
  public boolean refused(Throwable cause) {
    if (refusedByPeer) {
      return true;
    }
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof Http2Exception e && e.error() == Http2Error.REFUSED_STREAM) {
        return true;
      }
    }
    int id = stream.stream().id();
    return connection.goAwayReceived()
        && id > connection.local().lastStreamKnownByPeer()
        && connection.local().isValidStreamId(id);
  }

  @Override
  public void release(boolean reusable) {
    handler.bind(null);
    // Closing a stream that has not ended resets it (RST_STREAM CANCEL); an ended one is a no-op.
    stream.close();
  }
}
