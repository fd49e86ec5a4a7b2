package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Event;
import dev.updraft.sys.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job: the example shop with PostgreSQL, Redis, a migration job, two services
 * built from source and a router, deployed on this machine.
 */
@EnabledIf(
    value = "databasesInstalled",
    disabledReason =
        "needs PostgreSQL server binaries and redis-server: apt-get install postgresql redis-server")
class ShopIT {
  @TempDir Path dir;

  static boolean databasesInstalled() {
    return Host.hasCommand("redis-server")
        && Host.hasCommand("psql")
        && Files.isDirectory(Path.of("/usr/lib/postgresql"));
  }

  @Test
  void theShopComesUpHealthyAndAnswersThroughItsRouter() throws Exception {
    Shops.copy("shop", dir);
    Path spec = dir.resolve("updraft.yaml");
    int port = Shops.freePort();
    Shops.replace(spec, "port: 8080", "port: " + port);
    List<Event> events = Shops.events();
    Engine engine = Shops.engine(spec, events);
    try {
      Engine.Outcome outcome = engine.apply();
      assertThat(outcome.services().keySet())
          .containsExactlyInAnyOrder("db", "cache", "migrate", "catalog", "cart", "web");
      String page = Shops.get(port, "/").body();
      assertThat(page).contains("updraft shop").contains("kite 24.90").contains("seeded at 20");
      assertThat(Shops.get(port, "/api/cart/add?item=kite").body()).isEqualTo("kite 1\n");
      assertThat(Shops.get(port, "/api/cart").body()).contains("kite 1");
      assertThat(outcome.services().get("migrate").attributes()).containsKey("outputs.SEEDED_AT");
      // The database password is a secret: no event shows it.
      String password = outcome.services().get("db").attributes().get("password");
      assertThat(events).noneMatch(e -> e.toString().contains(password));
      assertThat(engine.plan().isEmpty()).isTrue();
    } finally {
      engine.destroy();
    }
  }
}
