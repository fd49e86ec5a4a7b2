package dev.updraft.console;

import dev.updraft.console.model.Actions;
import dev.updraft.console.model.Environment;
import dev.updraft.console.model.Environments;
import dev.updraft.console.signals.Sampler;
import dev.updraft.console.vm.FirecrackerClient;
import dev.updraft.console.vm.Vms;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A running console: its HTTP listener (Netty, one event loop), the environments it reads, the
 * samplers that keep each router's last 15 minutes of metrics, and the microVMs it watches.
 */
public final class Console implements AutoCloseable {
  /** The window each chart point compares: long enough to smooth, short enough to show a drop. */
  static final Duration WINDOW = Duration.ofSeconds(5);

  /** The console's documented port on 127.0.0.1. */
  public static final int DEFAULT_PORT = 9980;

  private final EventLoopGroup group;
  private final Channel channel;
  private final Access access;
  private final Map<String, Sampler> samplers;

  private Console(
      EventLoopGroup group, Channel channel, Access access, Map<String, Sampler> samplers) {
    this.group = group;
    this.channel = channel;
    this.access = access;
    this.samplers = samplers;
  }

  /**
   * Starts a console.
   *
   * @throws IllegalArgumentException when it would listen off loopback without a token
   */
  public static Console start(ConsoleConfig config) throws InterruptedException {
    Environments environments = new Environments(config.specs());
    return start(config, environments, environments.all().stream().map(Environment::name).toList());
  }

  /**
   * Starts a console on {@code environments}, sampling the routers of those {@code named} from now
   * on (the others' from when their page is first opened).
   */
  static Console start(ConsoleConfig config, Environments environments, List<String> named)
      throws InterruptedException {
    Access access = new Access(config.listen(), config.token());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Map<String, Sampler> samplers = new ConcurrentHashMap<>();
    try {
      Vms vms = new Vms(new FirecrackerClient(group, 5_000), config.vmSockets());
      Function<String, Sampler> sampler =
          name ->
              samplers.computeIfAbsent(
                  name,
                  n ->
                      new Sampler(
                          () -> environments.named(n).map(Environment::adminPort).orElse(0),
                          config.sampleInterval(),
                          WINDOW));
      // Sampling starts now, so charts have history before anyone opens them.
      for (String name : named) {
        var _ = sampler.apply(name);
      }
      Routes routes = new Routes(environments, new Actions(), vms, sampler, access.csrf());
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpServerKeepAliveHandler())
                          .addLast(new HttpObjectAggregator(64 * 1024))
                          .addLast(new ConsoleHandler(access, routes));
                    }
                  })
              .bind(config.listen())
              .sync()
              .channel();
      return new Console(group, channel, access, samplers);
    } catch (RuntimeException | InterruptedException e) {
      samplers.values().forEach(Sampler::close);
      group.shutdownGracefully();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** The URL to open: with the token when one is needed. */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://"
        + host
        + ":"
        + a.getPort()
        + "/"
        + (access.loopback() ? "" : "?token=" + access.token());
  }

  /** Waits until the listener closes. */
  public void awaitClose() throws InterruptedException {
    channel.closeFuture().sync();
  }

  @Override
  public void close() {
    samplers.values().forEach(Sampler::close);
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
