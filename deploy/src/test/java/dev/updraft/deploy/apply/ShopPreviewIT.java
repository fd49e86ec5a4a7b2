package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.preview.Previews;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of previews: a preview of the example shop comes up beside it, on its own
 * router port, with its own copy of the catalog (PostgreSQL) and the carts (Redis).
 */
class ShopPreviewIT {
  @TempDir Path dir;

  @Test
  void aPreviewOfTheShopComesUpBesideItWithItsOwnCopyOfTheData() throws Exception {
    Shops.copy("shop", dir);
    Path spec = dir.resolve("updraft.yaml");
    int port = Shops.freePort();
    Shops.replace(spec, "port: 8080", "port: " + port);
    List<Event> events = Shops.events();
    Engine engine = Shops.pinnedEngine(spec, events);
    Previews previews = new Previews(spec, file -> Shops.pinnedEngine(file, events));
    try {
      Map<String, ServiceState> shop = engine.apply().services();
      assertThat(Shops.get(port, "/api/cart/add?item=kite").body()).isEqualTo("kite 1\n");
      insert(shop.get("db"), "('parafoil', 59.00)");

      Map<String, ServiceState> preview = previews.create("pr-shop", "shop", null).services();
      int previewPort = preview.get("web").servicePort();
      assertThat(previewPort).isNotEqualTo(port);
      // The shop's data when the preview was made, served by the preview's own services.
      assertThat(Shops.get(previewPort, "/").body()).contains("kite 24.90").contains("parafoil");
      assertThat(Shops.get(previewPort, "/api/cart").body()).contains("kite 1");

      // From then on, each its own.
      assertThat(Shops.get(previewPort, "/api/cart/add?item=kite").body()).isEqualTo("kite 2\n");
      insert(preview.get("db"), "('preview-only', 1.00)");
      insert(shop.get("db"), "('shop-only', 2.00)");
      assertThat(Shops.get(port, "/api/cart").body()).contains("kite 1");
      assertThat(Shops.get(port, "/").body()).contains("shop-only").doesNotContain("preview-only");
      assertThat(Shops.get(previewPort, "/").body())
          .contains("preview-only")
          .doesNotContain("shop-only");
    } finally {
      previews.list().forEach(l -> previews.delete(l.preview().name()));
      Shops.destroyWithData(engine);
    }
  }

  private static void insert(ServiceState db, String row) throws Exception {
    Map<String, String> a = db.attributes();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + a.get("port") + "/" + a.get("database"),
                a.get("user"),
                a.get("password"));
        Statement sql = c.createStatement()) {
      sql.execute("INSERT INTO products (name, price) VALUES " + row);
    }
  }
}
