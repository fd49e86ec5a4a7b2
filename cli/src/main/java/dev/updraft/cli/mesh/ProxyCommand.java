package dev.updraft.cli.mesh;

import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.config.ConnectionTimeouts;
import dev.updraft.mesh.config.Durations;
import dev.updraft.mesh.config.EnvConfig;
import dev.updraft.mesh.config.ExplicitConfig;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.MeshConfigException;
import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.proxy.ConfigWatcher;
import dev.updraft.mesh.proxy.MeshProxy;
import dev.updraft.mesh.transport.Transport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code updraft mesh proxy}: runs the proxy until SIGTERM, SIGINT or POST /shutdown. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Run the proxy.",
      "Explicit mode: --listen ADDR --upstream ADDR[,ADDR...] proxies one listener to one balanced"
          + " backend set. --config FILE declares listeners, routes and backends in YAML. With"
          + " neither, the proxy runs Linkerd's transparent listeners (outbound 127.0.0.1:4140,"
          + " inbound 0.0.0.0:4143) behind netfilter REDIRECT rules.",
      "Every option can also be given as an UPDRAFT_MESH_* environment variable."
    })
public final class ProxyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "ADDR", description = "Listen address (explicit mode).")
  String listen;

  @Option(
      names = "--upstream",
      paramLabel = "ADDR[,ADDR...]",
      description = "Upstream endpoints, balanced with P2C over PeakEWMA.")
  String upstream;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration; reloaded on change.")
  Path configFile;

  @Option(
      names = "--admin",
      paramLabel = "ADDR",
      description = "Admin listener (default 127.0.0.1:4191).")
  String admin;

  @Option(
      names = "--event-loops",
      paramLabel = "N",
      description = "Event loops (default: half the cores, at least one).")
  Integer eventLoops;

  @Option(
      names = "--opaque-ports",
      paramLabel = "P[,P...]",
      description = "Ports that skip protocol detection.")
  String opaquePorts;

  @Option(
      names = "--detect-timeout",
      paramLabel = "DURATION",
      description = "Protocol detection timeout (default 10s).")
  String detectTimeout;

  @Option(
      names = "--request-head-timeout",
      paramLabel = "DURATION",
      description = "Time from a request head's first byte to its end; then 408 (default 10s).")
  String requestHeadTimeout;

  @Option(
      names = "--keep-alive-timeout",
      paramLabel = "DURATION",
      description = "Idle time after which a client connection closes (default 30s).")
  String keepAliveTimeout;

  @Option(
      names = "--request-body-timeout",
      paramLabel = "DURATION",
      description = "Time a request body may send nothing while awaited (default 30s).")
  String requestBodyTimeout;

  @Option(
      names = "--upstream-idle-timeout",
      paramLabel = "DURATION",
      description = "Idle time after which a pooled upstream connection closes (default 3s).")
  String upstreamIdleTimeout;

  @Option(
      names = "--upstream-protocol",
      paramLabel = "http1|http2|preserve",
      description =
          "HTTP version towards --upstream endpoints (default http1; gRPC always uses HTTP/2).")
  String upstreamProtocol;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      description = "Drain time on shutdown (default 120s).")
  String shutdownGrace;

  @Option(
      names = "--access-log",
      description = "Write one JSON line per request to standard output.")
  Boolean accessLog;

  @Option(names = "--nio", description = "Use the NIO transport instead of native epoll.")
  boolean nio;

  @Override
  public Integer call() throws Exception {
    EnvConfig env = new EnvConfig(System.getenv());
    MeshConfig config = config(env);
    PrintWriter out = spec.commandLine().getOut();
    MeshProxy proxy = MeshProxy.start(config, Transport.select(nio), System.out);
    out.println(describe(proxy, config));
    out.flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> proxy.shutdown(config.shutdownGrace()).join(), "mesh-shutdown"));
    Path file = configFile != null ? configFile : pathOrNull(env.get(EnvConfig.CONFIG, null));
    if (file != null) {
      PrintWriter err = spec.commandLine().getErr();
      new ConfigWatcher(
          file,
          proxy,
          Duration.ofSeconds(1),
          loaded -> withOverrides(loaded, config),
          line -> {
            err.println(line);
            err.flush();
          });
    }
    proxy.terminated().join();
    return 0;
  }

  MeshConfig config(EnvConfig env) {
    String configPath =
        configFile != null ? configFile.toString() : env.get(EnvConfig.CONFIG, null);
    String listenAddr = listen != null ? listen : env.get(EnvConfig.LISTEN, null);
    String upstreams = upstream != null ? upstream : env.get(EnvConfig.UPSTREAM, null);
    if (configPath != null && (listenAddr != null || upstreams != null)) {
      throw new ParameterException(
          spec.commandLine(), "--config cannot be combined with --listen/--upstream");
    }
    if ((listenAddr == null) != (upstreams == null)) {
      throw new ParameterException(
          spec.commandLine(), "--listen and --upstream go together (explicit mode)");
    }
    HostPort adminAddr = hostPort("--admin", admin, env.get(EnvConfig.ADMIN, null));
    Integer loops = eventLoops != null ? eventLoops : integer(env.get(EnvConfig.EVENT_LOOPS, null));
    List<Integer> opaque =
        ports(opaquePorts != null ? opaquePorts : env.get(EnvConfig.OPAQUE_PORTS, null));
    Duration detect =
        duration("--detect-timeout", detectTimeout, env.get(EnvConfig.DETECT_TIMEOUT, null));
    Duration grace =
        duration("--shutdown-grace", shutdownGrace, env.get(EnvConfig.SHUTDOWN_GRACE, null));
    Duration head =
        duration(
            "--request-head-timeout",
            requestHeadTimeout,
            env.get(EnvConfig.REQUEST_HEAD_TIMEOUT, null));
    Duration keepAlive =
        duration(
            "--keep-alive-timeout", keepAliveTimeout, env.get(EnvConfig.KEEP_ALIVE_TIMEOUT, null));
    Duration body =
        duration(
            "--request-body-timeout",
            requestBodyTimeout,
            env.get(EnvConfig.REQUEST_BODY_TIMEOUT, null));
    Duration upstreamIdle =
        duration(
            "--upstream-idle-timeout",
            upstreamIdleTimeout,
            env.get(EnvConfig.UPSTREAM_IDLE_TIMEOUT, null));
    boolean log =
        accessLog != null
            ? accessLog
            : Boolean.parseBoolean(env.get(EnvConfig.ACCESS_LOG, "false"));
    if (configPath != null) {
      MeshConfig file = ConfigFile.load(Path.of(configPath));
      return new MeshConfig(
          adminAddr != null ? adminAddr : file.admin(),
          loops != null ? loops : file.eventLoops(),
          opaque != null ? opaque : file.opaquePorts(),
          detect != null ? detect : file.detectTimeout(),
          grace != null ? grace : file.shutdownGrace(),
          log || file.accessLog(),
          file.listeners(),
          file.backends(),
          file.upstreamMark(),
          new ConnectionTimeouts(
              head != null ? head : file.connectionTimeouts().requestHead(),
              keepAlive != null ? keepAlive : file.connectionTimeouts().keepAlive(),
              body != null ? body : file.connectionTimeouts().requestBody(),
              upstreamIdle != null ? upstreamIdle : file.connectionTimeouts().upstreamIdle()),
          file.identity(),
          file.policy());
    }
    ConnectionTimeouts timeouts = new ConnectionTimeouts(head, keepAlive, body, upstreamIdle);
    if (listenAddr != null) {
      String protocol =
          upstreamProtocol != null
              ? upstreamProtocol
              : env.get(EnvConfig.UPSTREAM_PROTOCOL, "http1");
      return ExplicitConfig.of(
          HostPort.parse("--listen", listenAddr),
          upstreams,
          protocol(protocol),
          adminAddr,
          loops,
          opaque,
          detect,
          grace,
          log,
          timeouts);
    }
    return new MeshConfig(adminAddr, loops, opaque, detect, grace, log, null, null, null, timeouts);
  }

  /** A reloaded file keeps the settings the command line fixed at start. */
  static MeshConfig withOverrides(MeshConfig loaded, MeshConfig running) {
    return new MeshConfig(
        running.admin(),
        running.eventLoops(),
        loaded.opaquePorts(),
        loaded.detectTimeout(),
        running.shutdownGrace(),
        running.accessLog(),
        loaded.listeners(),
        loaded.backends(),
        running.upstreamMark(),
        loaded.connectionTimeouts(),
        // The identity is fixed at start (its key and certificate live as long as the process).
        running.identity(),
        loaded.policy());
  }

  private static String describe(MeshProxy proxy, MeshConfig config) {
    StringBuilder line = new StringBuilder("updraft mesh: ");
    for (ListenerConfig listener : config.listeners()) {
      line.append(listener.name())
          .append(" on ")
          .append(proxy.address(listener.name()))
          .append(" (")
          .append(listener.mode().name().toLowerCase(Locale.ROOT))
          .append(listener.backend() != null ? " -> " + listener.backend() : "")
          .append("), ");
    }
    line.append("admin on ")
        .append(proxy.adminAddress())
        .append(", ")
        .append(proxy.transport().name())
        .append(", ")
        .append(config.eventLoops())
        .append(" event loops");
    if (proxy.identity() != null) {
      line.append(", mesh TLS as ")
          .append(proxy.identity().name().dnsName())
          .append(" (")
          .append(proxy.identity().tlsProvider().text())
          .append(")");
    }
    return line.toString();
  }

  private static Path pathOrNull(String value) {
    return value == null ? null : Path.of(value);
  }

  private static HostPort hostPort(String field, String option, String env) {
    String value = option != null ? option : env;
    return value == null ? null : HostPort.parse(field, value);
  }

  private static Duration duration(String field, String option, String env) {
    String value = option != null ? option : env;
    return value == null ? null : Durations.parse(field, value);
  }

  private static Integer integer(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new MeshConfigException(
          EnvConfig.EVENT_LOOPS + ": \"" + value + "\" (expected: a number)");
    }
  }

  private static List<Integer> ports(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Arrays.stream(value.split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .map(Integer::valueOf)
          .toList();
    } catch (NumberFormatException e) {
      throw new MeshConfigException(
          "opaque ports: \"" + value + "\" (expected: comma-separated port numbers)");
    }
  }

  private static Protocol protocol(String value) {
    try {
      return Protocol.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MeshConfigException(
          "upstream protocol: \"" + value + "\" (expected: http1, http2 or preserve)");
    }
  }
}
