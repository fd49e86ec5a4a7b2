package dev.updraft.mesh.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Builds the configuration of explicit mode: one listener proxying to one balanced backend. */
public final class ExplicitConfig {
  private ExplicitConfig() {}

  /**
   * {@code --listen ADDR --upstream ADDR[,ADDR...]} as a configuration.
   *
   * @param upstreams comma-separated {@code host:port} list
   */
  public static MeshConfig of(
      HostPort listen,
      String upstreams,
      Protocol protocol,
      HostPort admin,
      Integer eventLoops,
      List<Integer> opaquePorts,
      Duration detectTimeout,
      Duration shutdownGrace,
      boolean accessLog,
      ConnectionTimeouts connectionTimeouts) {
    List<HostPort> endpoints =
        Arrays.stream(upstreams.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(s -> HostPort.parse("upstream", s))
            .toList();
    BackendConfig backend =
        new BackendConfig("upstream", endpoints, protocol, null, null, null, null, null, null);
    ListenerConfig listener =
        new ListenerConfig(
            "proxy",
            listen,
            ListenerConfig.Mode.EXPLICIT,
            ListenerConfig.Direction.OUTBOUND,
            "upstream",
            null);
    return new MeshConfig(
        admin,
        eventLoops,
        opaquePorts,
        detectTimeout,
        shutdownGrace,
        accessLog,
        List.of(listener),
        List.of(backend),
        null,
        connectionTimeouts);
  }
}
