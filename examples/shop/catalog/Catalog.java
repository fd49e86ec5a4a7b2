import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;

/** The shop's catalog: products from PostgreSQL (through its JDBC driver), and the front page. */
public final class Catalog {
  static final String VERSION = "1";

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv("PORT"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", e -> send(e, 200, "text/plain", "ok\n"));
    server.createContext("/api/version", e -> send(e, 200, "text/plain", "catalog " + VERSION + "\n"));
    server.createContext("/api/catalog", e -> send(e, 200, "text/plain", products()));
    server.createContext("/", e -> send(e, 200, "text/html", page()));
    server.start();
    // Finish requests in flight before exiting: a rolling update stops old instances this way.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
    System.out.println("catalog " + VERSION + " listening on " + port);
  }

  static String products() {
    StringBuilder out = new StringBuilder();
    try (Connection db = connect();
        Statement query = db.createStatement();
        ResultSet rows = query.executeQuery("SELECT name, price FROM products ORDER BY id")) {
      while (rows.next()) {
        out.append(rows.getString("name")).append(' ').append(rows.getBigDecimal("price")).append('\n');
      }
      return out.toString();
    } catch (SQLException e) {
      return "error: " + e.getMessage() + "\n";
    }
  }

  /** A session with the database the PG* variables name (libpq's names, which updraft fills in). */
  static Connection connect() throws SQLException {
    String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT")
        + "/" + System.getenv("PGDATABASE");
    return DriverManager.getConnection(url, System.getenv("PGUSER"), System.getenv("PGPASSWORD"));
  }

  static String page() {
    StringBuilder html = new StringBuilder("<!doctype html><title>updraft shop</title><h1>updraft shop</h1><ul>");
    for (String line : products().split("\n")) {
      if (!line.isBlank()) {
        html.append("<li>").append(line.replace("<", "&lt;")).append("</li>");
      }
    }
    return html.append("</ul><p>catalog ").append(VERSION).append(", seeded at ")
        .append(System.getenv("SEEDED_AT")).append("</p>\n").toString();
  }

  static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
