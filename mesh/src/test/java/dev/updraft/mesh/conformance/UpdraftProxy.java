package dev.updraft.mesh.conformance;

import dev.updraft.mesh.testing.TestProxy;
import java.util.List;

/**
 * updraft's proxy in this JVM, as the other integration tests run it, with its defaults: one
 * listener and one backend per case; HTTP/1 and HTTP/2 on the same listener (detection).
 */
final class UpdraftProxy implements ProxyUnderTest {
  private final TestProxy proxy;

  UpdraftProxy(List<Slot> slots) {
    StringBuilder listeners = new StringBuilder();
    StringBuilder backends = new StringBuilder();
    for (Slot s : slots) {
      listeners
          .append("  - {name: c")
          .append(s.index())
          .append(", address: \"127.0.0.1:0\", backend: c")
          .append(s.index())
          .append("}\n");
      backends
          .append("  - {name: c")
          .append(s.index())
          .append(", endpoints: [\"127.0.0.1:")
          .append(s.backendPort())
          .append("\"]}\n");
    }
    proxy =
        TestProxy.start(
            "admin: 127.0.0.1:0\neventLoops: 2\nlisteners:\n"
                + listeners
                + "backends:\n"
                + backends);
  }

  @Override
  public String name() {
    return "updraft";
  }

  @Override
  public int port(int index) {
    return proxy.proxy().address("c" + index).getPort();
  }

  @Override
  public void close() {
    proxy.close();
  }
}
