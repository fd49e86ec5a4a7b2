package dev.updraft.deploy.local;

import dev.updraft.deploy.local.ServiceRuntime.HealthCheck;
import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A service instance's health check on this machine, as Kubernetes probes it: an HTTP GET of its
 * path that answers 2xx or 3xx within the timeout, or a TCP connection. It says what it got, so a
 * failed rollout can tell a 500 with its body from a refused connection or a timeout.
 */
final class HealthProbe implements AutoCloseable {
  private static final int EXCERPT = 120;

  private HttpClient http;

  HealthCheck check(int port, Service.Health health) {
    Duration timeout = health.timeout();
    return health.http() ? http(port, health.path(), timeout) : tcp(port, timeout);
  }

  private HealthCheck tcp(int port, Duration timeout) {
    String where = "connect to 127.0.0.1:" + port;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      return new HealthCheck(true, where + ": connected");
    } catch (SocketTimeoutException e) {
      return new HealthCheck(false, where + ": " + noAnswer(timeout, "connection"));
    } catch (IOException e) {
      return new HealthCheck(false, where + ": " + failure(e));
    }
  }

  private HealthCheck http(int port, String path, Duration timeout) {
    String url = "http://127.0.0.1:" + port + path;
    String get = "GET " + url;
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
    try {
      HttpResponse<InputStream> response =
          client().send(request, HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      String body;
      try (InputStream in = response.body()) {
        body = excerpt(in.readNBytes(EXCERPT + 1));
      }
      boolean passed = status >= 200 && status < 400;
      return new HealthCheck(
          passed, get + " answered " + status + (body.isEmpty() ? "" : " (body: " + body + ")"));
    } catch (HttpConnectTimeoutException e) {
      return new HealthCheck(false, get + ": " + noAnswer(timeout, "connection"));
    } catch (HttpTimeoutException e) {
      return new HealthCheck(false, get + ": " + noAnswer(timeout, "answer"));
    } catch (IOException e) {
      return new HealthCheck(false, get + ": " + failure(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HealthCheck(false, get + ": interrupted");
    }
  }

  private synchronized HttpClient client() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return http;
  }

  private static String noAnswer(Duration timeout, String what) {
    return "no " + what + " within " + seconds(timeout) + " (health.timeout)";
  }

  private static String failure(IOException e) {
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof ConnectException)) {
      cause = cause.getCause();
    }
    if (cause instanceof ConnectException) {
      return "connection refused (nothing listens on the port)";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** The start of a body on one line, quoted; cut at {@link #EXCERPT} characters. */
  static String excerpt(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    if (text.isEmpty()) {
      return "";
    }
    return "\"" + (text.length() > EXCERPT ? text.substring(0, EXCERPT) + "..." : text) + "\"";
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  @Override
  public synchronized void close() {
    if (http != null) {
      http.close();
      http = null;
    }
  }
}
