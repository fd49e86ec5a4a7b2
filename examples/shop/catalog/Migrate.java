import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The catalog's migration job: creates and seeds its table, safe to run again, in one transaction.
 * Reports when it seeded as a job output (a NAME=value line in the file $UPDRAFT_OUTPUT names).
 */
public final class Migrate {
  public static void main(String[] args) throws Exception {
    try (Connection db = Catalog.connect(); Statement sql = db.createStatement()) {
      db.setAutoCommit(false);
      sql.execute("""
          CREATE TABLE IF NOT EXISTS products (
            id    serial PRIMARY KEY,
            name  text UNIQUE NOT NULL,
            price numeric(8,2) NOT NULL
          )""");
      sql.execute("""
          INSERT INTO products (name, price) VALUES
            ('kite', 24.90), ('windsock', 12.50), ('glider', 149.00)
          ON CONFLICT (name) DO NOTHING""");
      db.commit();
    } catch (SQLException e) {
      System.err.println("migrate: " + e.getMessage());
      System.exit(1);
    }
    String seededAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Files.writeString(Path.of(System.getenv("UPDRAFT_OUTPUT")), "SEEDED_AT=" + seededAt + "\n",
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.println("migrate: products seeded at " + seededAt);
  }
}
