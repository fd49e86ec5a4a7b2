package dev.updraft.mesh.tcp;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.transport.ClientSettings;
import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import dev.updraft.mesh.transport.TlsOrigination;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.util.function.LongSupplier;

/**
 * Forwards an opaque TCP connection (an opaque port, TLS passed through, or anything that is not
 * HTTP) to an endpoint of its backend, chosen by the balancer, and relays bytes both ways.
 * Server-speaks-first protocols work because the backend connection is made at once.
 */
public final class TcpForwarder {
  private static final int MAX_CONNECT_ATTEMPTS = 3;
  private static final String PENDING = "pending-bytes";

  private final ClientSettings settings;
  private final LongSupplier clock;

  public TcpForwarder(ClientSettings settings, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Connects {@code client} to an endpoint of {@code balancer}; closes it if none can be reached.
   */
  public <C> void forward(Channel client, Balancer<C> balancer) {
    forward(client, balancer, null);
  }

  /** As {@link #forward(Channel, Balancer)}, over mesh TLS when {@code tls} is not null. */
  public <C> void forward(Channel client, Balancer<C> balancer, TlsOrigination tls) {
    client.config().setAutoRead(false);
    client.pipeline().addLast(PENDING, new PendingBytes());
    attempt(client, balancer, null, 1, tls);
  }

  private <C> void attempt(
      Channel client, Balancer<C> balancer, Endpoint<C> avoid, int attempt, TlsOrigination tls) {
    balancer.acquire(
        avoid,
        new Balancer.Callback<>() {
          @Override
          public void ready(Endpoint<C> endpoint) {
            client.eventLoop().execute(() -> connect(client, balancer, endpoint, attempt, tls));
          }

          @Override
          public void failed(RuntimeException cause) {
            ConnectionMetricsHandler.markFailed(client);
            client.close();
          }
        });
  }

  private <C> void connect(
      Channel client, Balancer<C> balancer, Endpoint<C> endpoint, int attempt, TlsOrigination tls) {
    if (!client.isActive()) {
      return;
    }
    // Every attempt below ends in a verdict (connect failure, or success on close), so whether it
    // is the breaker's probe need not be kept.
    endpoint.start(clock.getAsLong());
    Bootstrap bootstrap =
        new Bootstrap()
            .group(client.eventLoop())
            .channel(settings.transport().channel())
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, settings.transport().allocator())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ConnectionMetricsHandler(settings.stats()));
                    if (tls != null) {
                      ch.pipeline()
                          .addLast("tls", tls.handler(ch.alloc(), endpoint.address(), null));
                    }
                  }
                });
    settings.transport().mark(bootstrap, settings.mark());
    ChannelFuture connect = bootstrap.connect(endpoint.address());
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            long until = endpoint.onConnectFailure(clock.getAsLong());
            balancer.drainAt(until);
            if (attempt < MAX_CONNECT_ATTEMPTS && client.isActive()) {
              attempt(client, balancer, endpoint, attempt + 1, tls);
            } else {
              ConnectionMetricsHandler.markFailed(client);
              client.close();
            }
            return;
          }
          endpoint.onConnected();
          Channel server = connect.channel();
          server.closeFuture().addListener(c -> endpoint.complete(true, clock.getAsLong()));
          if (!client.isActive()) {
            server.close();
            return;
          }
          Relay.join(client, server);
          if (client.pipeline().get(PENDING) != null) {
            client.pipeline().remove(PENDING);
          }
        });
  }
}
