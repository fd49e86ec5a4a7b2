package dev.updraft.mesh.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP/1.1 backend for proxy tests: the JDK's server, counting requests. */
public final class TestBackend implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean stopped;

  private TestBackend(HttpServer server) {
    this.server = server;
  }

  /** A backend answering every request with {@code handler}. */
  public static TestBackend start(HttpHandler handler) throws IOException {
    return start(0, handler);
  }

  /** A backend on a given loopback port (0: any). */
  public static TestBackend start(int port, HttpHandler handler) throws IOException {
    return onAddress(InetAddress.getLoopbackAddress(), port, handler);
  }

  /** A backend on a given address and port. */
  public static TestBackend onAddress(InetAddress address, int port, HttpHandler handler)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 512);
    TestBackend backend = new TestBackend(server);
    server.createContext(
        "/",
        exchange -> {
          backend.requests.incrementAndGet();
          try (exchange) {
            handler.handle(exchange);
          }
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return backend;
  }

  /** Answers {@code status} with {@code body} after {@code delayMillis}, echoing nothing. */
  public static TestBackend fixed(int status, String body, long delayMillis) throws IOException {
    return start(
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          sleep(delayMillis);
          respond(exchange, status, body);
        });
  }

  /** Echoes method, path, selected headers and body. */
  public static TestBackend echo() throws IOException {
    return start(
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("x-method", exchange.getRequestMethod());
          exchange.getResponseHeaders().set("x-path", exchange.getRequestURI().toString());
          String hop = exchange.getRequestHeaders().getFirst("x-hop");
          exchange.getResponseHeaders().set("x-saw-hop", hop == null ? "no" : hop);
          exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
  }

  public static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  public static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    if (!stopped) {
      stopped = true;
      server.stop(0);
    }
  }

  static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
