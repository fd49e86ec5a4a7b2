package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.Upstream;
import dev.updraft.mesh.http.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * An upstream over an EmbeddedChannel: what the stream layer writes is read back with {@code
 * channel.readOutbound()}, and the test plays the backend through {@link #listener}.
 */
final class FakeUpstream implements Upstream {
  final EmbeddedChannel channel = new EmbeddedChannel();
  private final boolean http2;
  private final boolean reused;
  UpstreamListener listener;
  boolean refused;
  Boolean releasedReusable;
  int reads;

  FakeUpstream(boolean http2, boolean reused) {
    this.http2 = http2;
    this.reused = reused;
    channel
        .pipeline()
        .addFirst(
            new io.netty.channel.ChannelOutboundHandlerAdapter() {
              @Override
              public void read(io.netty.channel.ChannelHandlerContext ctx) {
                reads++;
                ctx.read();
              }
            });
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
    return http2;
  }

  @Override
  public boolean refused(Throwable cause) {
    return refused;
  }

  @Override
  public void bind(UpstreamListener bound) {
    listener = bound;
  }

  @Override
  public void release(boolean reusable) {
    listener = null;
    releasedReusable = reusable;
    if (!reusable) {
      channel.close();
    }
  }
}
