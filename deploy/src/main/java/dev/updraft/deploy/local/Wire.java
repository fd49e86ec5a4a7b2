package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The local databases spoken to as their clients do, over their own protocols: PostgreSQL through
 * its JDBC driver (start-up, SCRAM authentication, a query), Redis in RESP. A server that listens
 * is not yet one that serves: PostgreSQL refuses sessions while it starts up or recovers, Redis
 * answers {@code -LOADING} while it reads its data.
 */
final class Wire {
  /** SQLSTATE invalid_password: the server is up, and waiting will not change its mind. */
  private static final String INVALID_PASSWORD = "28P01";

  private Wire() {}

  /**
   * Why PostgreSQL on {@code port} does not serve {@code SELECT 1} yet; empty once it does. A
   * password it refuses is an error that names {@code passwordFile}, where updraft keeps it.
   */
  static Optional<String> postgresNotReady(
      String service, int port, String password, Path passwordFile) {
    try (Connection connection = postgres(port, password, "postgres");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT 1")) {
      return result.next() && result.getInt(1) == 1
          ? Optional.empty()
          : Optional.of("SELECT 1 returned no row");
    } catch (SQLException e) {
      if (INVALID_PASSWORD.equals(e.getSQLState())) {
        throw new DeployException(
            "DATABASE_SETUP",
            service + ": PostgreSQL refused the password updraft keeps for it: " + e.getMessage(),
            "the password kept in "
                + passwordFile
                + " no longer matches the cluster's: remove that file and deploy again, and"
                + " updraft sets a new one (the data stays)",
            null);
      }
      return Optional.of(e.getMessage());
    }
  }

  /** Creates the database {@code name} unless it exists. */
  static void createDatabase(String service, int port, String password, String name) {
    try (Connection connection = postgres(port, password, "postgres");
        PreparedStatement exists =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet result = exists.executeQuery()) {
        if (result.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        // Names are DNS labels (checked by the spec): nothing in them needs escaping but quotes.
        create.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
      }
    } catch (SQLException e) {
      throw new DeployException(
          "DATABASE_SETUP",
          service + ": cannot create database " + name + ": " + e.getMessage(),
          "see the server's log: .updraft/<environment>/logs/db-" + service + ".log",
          null);
    }
  }

  static Connection postgres(int port, String password, String database) throws SQLException {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {"127.0.0.1"});
    source.setPortNumbers(new int[] {port});
    source.setDatabaseName(database);
    source.setUser("postgres");
    source.setPassword(password);
    source.setConnectTimeout(2);
    source.setLoginTimeout(5);
    source.setSocketTimeout(10);
    source.setApplicationName("updraft");
    return source.getConnection();
  }

  /** Why Redis on {@code port} does not answer {@code PING} with {@code PONG} yet; empty once. */
  static Optional<String> redisNotReady(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      String reply = line(socket.getInputStream());
      return reply.equals("+PONG") ? Optional.empty() : Optional.of("PING answered " + reply);
    } catch (IOException e) {
      return Optional.of(e.toString());
    }
  }

  static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
      if (line.length() > 512) {
        break;
      }
    }
    return line.toString();
  }
}
