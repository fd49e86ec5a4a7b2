package dev.updraft.mesh.config;

import java.util.Map;

/**
 * Every {@code UPDRAFT_MESH_*} environment variable in one place (linkerd2-proxy's env.rs idea).
 * Each mirrors a command-line option; the option wins when both are given.
 */
public final class EnvConfig {
  /** Listener address in explicit mode, like {@code --listen}. */
  public static final String LISTEN = "UPDRAFT_MESH_LISTEN";

  /** Comma-separated upstream endpoints, like {@code --upstream}. */
  public static final String UPSTREAM = "UPDRAFT_MESH_UPSTREAM";

  /** Path of a YAML configuration file, like {@code --config}. */
  public static final String CONFIG = "UPDRAFT_MESH_CONFIG";

  /** Admin listener address, like {@code --admin}. */
  public static final String ADMIN = "UPDRAFT_MESH_ADMIN";

  /** Number of event loops, like {@code --event-loops}. */
  public static final String EVENT_LOOPS = "UPDRAFT_MESH_EVENT_LOOPS";

  /** Comma-separated opaque ports, like {@code --opaque-ports}. */
  public static final String OPAQUE_PORTS = "UPDRAFT_MESH_OPAQUE_PORTS";

  /** Protocol detection timeout, like {@code --detect-timeout}. */
  public static final String DETECT_TIMEOUT = "UPDRAFT_MESH_DETECT_TIMEOUT";

  /** Request head timeout, like {@code --request-head-timeout}. */
  public static final String REQUEST_HEAD_TIMEOUT = "UPDRAFT_MESH_REQUEST_HEAD_TIMEOUT";

  /** Idle client connection timeout, like {@code --keep-alive-timeout}. */
  public static final String KEEP_ALIVE_TIMEOUT = "UPDRAFT_MESH_KEEP_ALIVE_TIMEOUT";

  /** Request body stall timeout, like {@code --request-body-timeout}. */
  public static final String REQUEST_BODY_TIMEOUT = "UPDRAFT_MESH_REQUEST_BODY_TIMEOUT";

  /** Idle pooled upstream connection timeout, like {@code --upstream-idle-timeout}. */
  public static final String UPSTREAM_IDLE_TIMEOUT = "UPDRAFT_MESH_UPSTREAM_IDLE_TIMEOUT";

  /** Upstream protocol (http1, http2, preserve), like {@code --upstream-protocol}. */
  public static final String UPSTREAM_PROTOCOL = "UPDRAFT_MESH_UPSTREAM_PROTOCOL";

  /** Shutdown grace period, like {@code --shutdown-grace}. */
  public static final String SHUTDOWN_GRACE = "UPDRAFT_MESH_SHUTDOWN_GRACE";

  /** {@code true} for a JSON access log on standard output, like {@code --access-log}. */
  public static final String ACCESS_LOG = "UPDRAFT_MESH_ACCESS_LOG";

  private final Map<String, String> env;

  public EnvConfig(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The variable's value, or {@code fallback} when unset or blank. */
  public String get(String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
