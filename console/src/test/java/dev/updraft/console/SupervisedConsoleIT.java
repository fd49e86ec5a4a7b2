package dev.updraft.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.local.RuntimeTarget;
import dev.updraft.deploy.local.SupervisorExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console as a supervisor runs it: found, started beside it, and gone with it. */
@SuppressWarnings("try") // the consoles serve for the try blocks' duration
class SupervisedConsoleIT {
  @TempDir Path dir;

  @Test
  void theSupervisorFindsTheConsoleAndItWritesItsUrlForUpdraftUp() throws Exception {
    assertThat(ServiceLoader.load(SupervisorExtension.class))
        .anyMatch(SupervisedConsole.class::isInstance);
    Path state = Files.createDirectories(dir.resolve(".updraft/shop"));
    Path urlFile = state.resolve(RuntimeTarget.CONSOLE_URL);
    String url;
    try (AutoCloseable console = new SupervisedConsole().start(state)) {
      url = Files.readString(urlFile).strip();
      assertThat(url).startsWith("http://127.0.0.1:");
      // No release yet: the console runs and lists no environment.
      assertThat(exchange(url, "GET / HTTP/1.1")).startsWith("HTTP/1.1 200").contains("<html");
      assertThat(Files.readString(state.resolve(SupervisedConsole.PORT_FILE)).strip())
          .isEqualTo(url.replaceAll(".*:(\\d+)/$", "$1"));
    }
    assertThat(urlFile).doesNotExist();
  }

  @Test
  void aRememberedPortThatIsTakenGivesWayToAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Files.writeString(dir.resolve(SupervisedConsole.PORT_FILE), taken.getLocalPort() + "\n");
      try (AutoCloseable console = new SupervisedConsole().start(dir)) {
        String url = Files.readString(dir.resolve(RuntimeTarget.CONSOLE_URL)).strip();
        assertThat(url).doesNotContain(":" + taken.getLocalPort() + "/");
      }
    }
  }

  @Test
  void aHeadRequestGetsTheHeadersOfAGetAndNoBody() throws Exception {
    try (AutoCloseable console = new SupervisedConsole().start(dir)) {
      String url = Files.readString(dir.resolve(RuntimeTarget.CONSOLE_URL)).strip();
      String head = exchange(url, "HEAD /healthz HTTP/1.1");
      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 3");
      assertThat(head).endsWith("\r\n\r\n");
      assertThat(exchange(url, "GET /healthz HTTP/1.1")).endsWith("\r\n\r\nok\n");
    }
  }

  /** Sends one request with {@code Connection: close} and reads the whole answer. */
  private static String exchange(String url, String requestLine) throws Exception {
    int port = Integer.parseInt(url.replaceAll(".*:(\\d+)/$", "$1"));
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
