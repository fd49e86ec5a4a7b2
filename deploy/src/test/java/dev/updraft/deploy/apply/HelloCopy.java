package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import java.nio.file.Path;
import java.util.List;

/**
 * The hello example (an application of two instances behind a router) copied into a test's
 * directory, its router on a free port.
 */
record HelloCopy(Path dir, Path spec, int port, List<Event> events) {
  static HelloCopy in(Path dir) {
    Shops.copy("hello", dir);
    Path spec = dir.resolve("updraft.yaml");
    int port = Shops.freePort();
    Shops.replace(spec, "port: 8090", "port: " + port);
    return new HelloCopy(dir, spec, port, Shops.events());
  }

  Engine engine() {
    return Shops.engine(spec, events);
  }

  /** Tears it down, whatever state the test left it in. */
  void destroy() {
    Shops.destroy(spec, events);
  }
}
