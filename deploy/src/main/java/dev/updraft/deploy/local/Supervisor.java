package dev.updraft.deploy.local;

import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.proxy.MeshProxy;
import dev.updraft.mesh.transport.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local target's long-lived process: it keeps service instances and database servers running
 * (restarting them with backoff when they crash), hosts the mesh proxy that gives each application
 * a stable address and serves the routers, and answers the engine over a Unix socket. It outlives
 * the CLI; its process table is saved after every change, so a new supervisor adopts the processes
 * of one that died.
 */
public final class Supervisor implements AutoCloseable {
  // The embedded mesh's admin listener: any free loopback port, the same on every reload.
  private static final HostPort ADMIN = new HostPort("127.0.0.1", 0);

  private final Path dir;
  private final Map<String, ManagedProcess> processes = new ConcurrentHashMap<>();
  private final ProcessTable table;
  private final MeshProxy mesh;
  private final ServerSocketChannel server;
  private volatile boolean stopping;

  private Supervisor(Path dir, ServerSocketChannel server, MeshProxy mesh) {
    this.dir = dir;
    this.server = server;
    this.mesh = mesh;
    this.table = new ProcessTable(dir.resolve("supervisor.json"));
  }

  /** Starts a supervisor for the environment whose data directory is {@code dir}. */
  public static Supervisor start(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path socket = dir.resolve("supervisor.sock");
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    MeshProxy mesh =
        MeshProxy.start(Routing.EMPTY.toMesh(ADMIN), Transport.select(false), System.out);
    Supervisor supervisor = new Supervisor(dir, server, mesh);
    supervisor.adopt();
    Files.writeString(dir.resolve("supervisor.pid"), Long.toString(ProcessHandle.current().pid()));
    return supervisor;
  }

  /** Serves requests until a shutdown request or {@link #close()}. */
  public void serve() {
    while (!stopping) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (stopping) {
          return;
        }
        throw new UncheckedIOException(e);
      }
      Thread.ofVirtual().name("supervisor-client").start(() -> handle(client));
    }
  }

  private void handle(SocketChannel client) {
    try (client;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        var out = Channels.newOutputStream(client)) {
      String line;
      while ((line = in.readLine()) != null) {
        Protocol.Response response;
        try {
          response = dispatch(ProtocolJson.readRequest(line));
        } catch (RuntimeException | IOException e) {
          response = Protocol.Response.error(String.valueOf(e.getMessage()));
        }
        out.write((ProtocolJson.write(response) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // The engine went away mid-conversation; nothing to answer.
    }
  }

  private Protocol.Response dispatch(Protocol.Request request) {
    return switch (request.op()) {
      case "ping" -> status();
      case "status" -> status();
      case "start" -> {
        start(request.process());
        yield status();
      }
      case "stop" -> {
        stop(
            request.id(),
            Duration.ofMillis(request.graceMillis() == null ? 10_000 : request.graceMillis()));
        yield status();
      }
      case "route" -> {
        mesh.reload(request.routing().toMesh(ADMIN));
        yield status();
      }
      case "shutdown" -> {
        Thread.ofVirtual().start(this::close);
        yield Protocol.Response.success();
      }
      default ->
          Protocol.Response.error(
              "op: " + request.op() + " (expected: ping, start, stop, status, route, shutdown)");
    };
  }

  private Protocol.Response status() {
    List<Protocol.ProcessStatus> list = new ArrayList<>();
    processes.values().forEach(p -> list.add(p.status()));
    Map<String, Integer> listeners = new java.util.TreeMap<>();
    mesh.listenerAddresses().forEach((name, address) -> listeners.put(name, address.getPort()));
    return new Protocol.Response(true, null, list, listeners, mesh.adminAddress().getPort());
  }

  private void start(Protocol.ProcessSpec spec) {
    ManagedProcess existing = processes.get(spec.id());
    if (existing != null && existing.alive()) {
      return; // starting is idempotent: a re-run after a crash finds the instance already there
    }
    ManagedProcess process = new ManagedProcess(spec, this::save);
    processes.put(spec.id(), process);
    process.launch();
    save();
  }

  private void stop(String id, Duration grace) {
    ManagedProcess process = processes.remove(id);
    if (process != null) {
      process.stop(grace);
    }
    save();
  }

  private void adopt() {
    for (ProcessTable.Row row : table.load()) {
      ManagedProcess process = new ManagedProcess(row.spec(), this::save);
      processes.put(row.spec().id(), process);
      process.adoptOrLaunch(row.pid(), row.startedMillis());
    }
    save();
  }

  private void save() {
    List<ProcessTable.Row> rows = new ArrayList<>();
    processes.values().forEach(p -> rows.add(p.row()));
    table.save(rows);
  }

  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    mesh.close();
  }

  /** Stops every process too: used by {@code destroy}. */
  public void stopAll() {
    for (String id : List.copyOf(processes.keySet())) {
      stop(id, Duration.ofSeconds(10));
    }
  }

  public Path dir() {
    return dir;
  }
}
