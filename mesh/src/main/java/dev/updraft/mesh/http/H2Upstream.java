package dev.updraft.mesh.http;

import io.netty.channel.Channel;

/** One stream on a shared HTTP/2 connection. */
final class H2Upstream implements Upstream {
  private final Channel stream;
  private final UpstreamHandler handler;

  H2Upstream(Channel stream, UpstreamHandler handler) {
    this.stream = stream;
    this.handler = handler;
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

  @Override
  public void release(boolean reusable) {
    handler.bind(null);
    // Closing a stream that has not ended resets it (RST_STREAM CANCEL); an ended one is a no-op.
    stream.close();
  }
}
