package dev.updraft.deploy.local;

import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An instance's health check, once: a TCP connect, or an HTTP GET of its path where 2xx and 3xx are
 * healthy. The result says what it got, for {@code status} and for errors.
 */
public final class HealthCheck {
  private HealthCheck() {}

  /**
   * One check's outcome.
   *
   * @param got what the instance answered, e.g. {@code HTTP 200}, {@code HTTP 503}, {@code
   *     connection refused}, {@code no answer within 2s}
   */
  public record Result(boolean healthy, String got) {}

  /** Checks the instance listening on {@code port} of this machine. */
  public static Result check(int port, Service.Health health) {
    int timeout = (int) health.timeout().toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeout);
      if (!health.http()) {
        return new Result(true, "accepts connections");
      }
      socket.setSoTimeout(timeout);
      socket
          .getOutputStream()
          .write(
              ("GET " + health.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] head = socket.getInputStream().readNBytes(12);
      String status = new String(head, StandardCharsets.US_ASCII);
      if (!status.startsWith("HTTP/1.") || status.length() < 12) {
        return new Result(false, "not an HTTP response");
      }
      char kind = status.charAt(9);
      return new Result(kind == '2' || kind == '3', "HTTP " + status.substring(9, 12));
    } catch (ConnectException e) {
      return new Result(false, "connection refused");
    } catch (SocketTimeoutException e) {
      return new Result(false, "no answer within " + health.timeout().toMillis() + "ms");
    } catch (IOException | RuntimeException e) {
      return new Result(false, String.valueOf(e.getMessage()));
    }
  }
}
