package dev.updraft.mesh.identity;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One TLS connection between a client and a server context, its records passed in memory: the
 * handshake, then one request and one answer, so that what the server sends after its handshake
 * (TLS 1.3 session tickets) reaches the client as it would on a socket.
 */
final class InMemoryTls implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  final SSLEngine client;
  final SSLEngine server;
  private final ByteBuffer toServer = ByteBuffer.allocateDirect(BUFFER);
  private final ByteBuffer toClient = ByteBuffer.allocateDirect(BUFFER);
  private final ByteBuffer clientApp = ByteBuffer.allocateDirect(BUFFER);
  private final ByteBuffer serverApp = ByteBuffer.allocateDirect(BUFFER);

  private InMemoryTls(SSLEngine client, SSLEngine server) {
    this.client = client;
    this.server = server;
  }

  /** Connects a new client engine for {@code peerHost:peerPort} to a new server engine. */
  static InMemoryTls connect(SslContext clientContext, SslContext server, String host, int port)
      throws SSLException {
    InMemoryTls tls =
        new InMemoryTls(
            clientContext.newEngine(ByteBufAllocator.DEFAULT, host, port),
            server.newEngine(ByteBufAllocator.DEFAULT));
    tls.client.setUseClientMode(true);
    tls.server.setUseClientMode(false);
    tls.client.beginHandshake();
    tls.server.beginHandshake();
    for (int round = 0; round < 20 && !tls.handshaken(); round++) {
      tls.step();
    }
    if (!tls.handshaken()) {
      throw new SSLException("in-memory handshake did not finish");
    }
    tls.exchange();
    return tls;
  }

  private boolean handshaken() {
    return client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
        && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
        && toServer.position() == 0
        && toClient.position() == 0;
  }

  private void step() throws SSLException {
    client.wrap(ByteBuffer.allocate(0), toServer);
    tasks(client);
    deliver(toServer, server, serverApp);
    server.wrap(ByteBuffer.allocate(0), toClient);
    tasks(server);
    deliver(toClient, client, clientApp);
  }

  /** A request and its answer, which carry the server's tickets to the client. */
  private void exchange() throws SSLException {
    client.wrap(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), toServer);
    deliver(toServer, server, serverApp);
    server.wrap(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)), toClient);
    deliver(toClient, client, clientApp);
  }

  private static void deliver(ByteBuffer records, SSLEngine to, ByteBuffer app)
      throws SSLException {
    records.flip();
    while (records.hasRemaining()) {
      int before = records.remaining();
      to.unwrap(records, app);
      tasks(to);
      if (records.remaining() == before) {
        break; // a partial record: the rest comes with the next step
      }
    }
    records.compact();
    app.clear();
  }

  private static void tasks(SSLEngine engine) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Whether the server side took the client's ticket (BoringSSL's own answer). */
  boolean resumed() {
    return SSL.isSessionReused(((ReferenceCountedOpenSslEngine) server).sslPointer());
  }

  @Override
  public void close() {
    ReferenceCountUtil.release(client);
    ReferenceCountUtil.release(server);
  }
}
