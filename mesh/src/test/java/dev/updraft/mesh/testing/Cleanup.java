package dev.updraft.mesh.testing;

import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed in reverse order when it ends. */
public final class Cleanup implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  public <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }

  @Override
  public void close() {
    IllegalStateException failed = null;
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        if (failed == null) {
          failed = new IllegalStateException("cleanup: " + e.getMessage(), e);
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (failed != null) {
      throw failed;
    }
  }
}
