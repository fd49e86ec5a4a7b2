import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The shop's cart: counts per item in Redis, spoken to in RESP over a plain socket. */
public final class Cart {
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv("PORT"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", e -> send(e, 200, "ok\n"));
    server.createContext("/api/cart/add", e -> {
      String query = e.getRequestURI().getQuery();
      String item = query != null && query.startsWith("item=") ? query.substring(5) : "";
      if (!item.matches("[a-z0-9-]{1,40}")) {
        send(e, 400, "item: \"" + item + "\" (expected: ?item= lower-case letters, digits, -)\n");
        return;
      }
      send(e, 200, item + " " + redis("INCR", "cart:" + item) + "\n");
    });
    server.createContext("/api/cart", e -> {
      StringBuilder out = new StringBuilder();
      for (String item : new String[] {"kite", "windsock", "glider"}) {
        String count = redis("GET", "cart:" + item);
        out.append(item).append(' ').append(count == null ? "0" : count).append('\n');
      }
      send(e, 200, out.toString());
    });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
    System.out.println("cart listening on " + port);
  }

  /** One RESP command; returns an integer or bulk reply as text (null for a nil bulk). */
  static String redis(String... command) throws IOException {
    try (Socket socket = new Socket(System.getenv("REDIS_HOST"), Integer.parseInt(System.getenv("REDIS_PORT")))) {
      StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
      for (String part : command) {
        request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
      }
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String line = line(in);
      return switch (line.charAt(0)) {
        case ':', '+' -> line.substring(1);
        case '$' -> {
          int length = Integer.parseInt(line.substring(1));
          if (length < 0) {
            yield null;
          }
          String value = new String(in.readNBytes(length), StandardCharsets.UTF_8);
          line(in);
          yield value;
        }
        default -> throw new IOException("redis: " + line);
      };
    }
  }

  static String line(InputStream in) throws IOException {
    StringBuilder out = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        out.append((char) b);
      }
    }
    return out.toString();
  }

  static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
