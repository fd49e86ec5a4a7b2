package dev.updraft.mesh.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Small Netty servers for protocols the JDK has no server for: WebSocket, banners, CONNECT. */
public final class RawServers implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;

  private RawServers(ChannelInitializer<Channel> init) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(init)
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** WebSocket echo on /ws. */
  public static RawServers webSocketEcho() throws InterruptedException {
    return new RawServers(
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(65536))
                .addLast(new WebSocketServerProtocolHandler("/ws"))
                .addLast(
                    new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                        ctx.writeAndFlush(new TextWebSocketFrame("echo: " + f.text()));
                      }
                    });
          }
        });
  }

  /**
   * Speaks first: sends {@code banner} on connect, then upper-cases what it receives; when the
   * client half-closes, answers "bye" and closes.
   */
  public static RawServers banner(String banner) throws InterruptedException {
    return new RawServers(
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(
                    new SimpleChannelInboundHandler<ByteBuf>() {
                      @Override
                      public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer(banner, StandardCharsets.US_ASCII));
                      }

                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        ctx.writeAndFlush(
                            Unpooled.copiedBuffer(
                                msg.toString(StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT),
                                StandardCharsets.US_ASCII));
                      }

                      @Override
                      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof ChannelInputShutdownEvent) {
                          ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII))
                              .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
                        }
                      }
                    });
          }
        });
  }

  /** A CONNECT target: answers any request head with 200, then echoes bytes upper-cased. */
  public static RawServers connectTarget() throws InterruptedException {
    return new RawServers(
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(
                    new SimpleChannelInboundHandler<ByteBuf>() {
                      private boolean established;

                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        String text = msg.toString(StandardCharsets.US_ASCII);
                        if (!established) {
                          established = true;
                          ctx.writeAndFlush(
                              Unpooled.copiedBuffer(
                                  "HTTP/1.1 200 Connection Established\r\n\r\n",
                                  StandardCharsets.US_ASCII));
                          int end = text.indexOf("\r\n\r\n");
                          text = end < 0 ? "" : text.substring(end + 4);
                        }
                        if (!text.isEmpty()) {
                          ctx.writeAndFlush(
                              Unpooled.copiedBuffer(
                                  text.toUpperCase(Locale.ROOT), StandardCharsets.US_ASCII));
                        }
                      }
                    });
          }
        });
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
