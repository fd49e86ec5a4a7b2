package dev.updraft.mesh.http;

import io.netty.channel.Channel;
import java.util.ArrayDeque;

/** A pooled HTTP/1.1 connection to an endpoint, owned by one event loop. */
final class H1Upstream implements Upstream {
  private final Channel channel;
  private final UpstreamHandler handler;
  private final ArrayDeque<H1Upstream> pool;
  private final int maxIdle;
  private boolean reused;

  H1Upstream(Channel channel, UpstreamHandler handler, ArrayDeque<H1Upstream> pool, int maxIdle) {
    this.channel = channel;
    this.handler = handler;
    this.pool = pool;
    this.maxIdle = maxIdle;
    handler.attach(this);
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public boolean reused() {
    return reused;
  }

  @Override
  public boolean http2() {
    return false;
  }

  @Override
  public boolean refused(Throwable cause) {
    return false; // HTTP/1.1 cannot say that a request was not processed
  }

  @Override
  public void bind(UpstreamListener listener) {
    handler.bind(listener);
  }

  @Override
  public void release(boolean reusable) {
    handler.bind(null);
    if (reusable && channel.isActive() && pool.size() < maxIdle) {
      reused = true;
      pool.push(this);
    } else {
      channel.close();
    }
  }
}
