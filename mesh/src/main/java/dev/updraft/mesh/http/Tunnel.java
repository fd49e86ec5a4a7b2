package dev.updraft.mesh.http;

import dev.updraft.mesh.edge.Http1ClientCodec;
import dev.updraft.mesh.edge.Http1ServerCodec;
import dev.updraft.mesh.tcp.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * Turns an HTTP/1.1 exchange into a byte tunnel once the backend agreed to switch protocols (101
 * for Upgrade, e.g. WebSocket) or to CONNECT (2xx): the switching response goes to the client, then
 * both pipelines drop their HTTP codecs and relay raw bytes (Linkerd's Http11Upgrade/duplex).
 */
final class Tunnel {
  private Tunnel() {}

  static void splice(ChannelHandlerContext downstream, HttpResponse head, Channel upstream) {
    // Encode the head while the server codec is still there; it is queued before the removal.
    downstream.writeAndFlush(head);
    Channel client = downstream.channel();
    ChannelPipeline down = client.pipeline();
    remove(down, HttpServerKeepAliveHandler.class);
    remove(down, HttpServerExpectContinueHandler.class);
    remove(down, DownstreamHandler.class);
    ChannelPipeline up = upstream.pipeline();
    remove(up, UpstreamHandler.class);
    // The client's first tunnel bytes, held behind its request; taken out of the codec, since
    // relayed at its removal they would meet the backend's codec, which knows no raw bytes.
    Http1ServerCodec codec = down.get(Http1ServerCodec.class);
    ByteBuf early = codec == null ? Unpooled.EMPTY_BUFFER : codec.takeHeld();
    // Removing a codec hands any bytes it had buffered to the next handler: add relays first.
    Relay.join(client, upstream);
    remove(down, Http1ServerCodec.class);
    remove(up, Http1ClientCodec.class);
    if (early.isReadable() && upstream.isActive()) {
      upstream.writeAndFlush(early, upstream.voidPromise());
    } else {
      early.release();
    }
  }

  private static void remove(ChannelPipeline pipeline, Class<? extends ChannelHandler> type) {
    if (pipeline.get(type) != null) {
      pipeline.remove(type);
    }
  }
}
