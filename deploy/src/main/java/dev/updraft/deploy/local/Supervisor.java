package dev.updraft.deploy.local;

import dev.updraft.deploy.logs.Rotation;
import dev.updraft.deploy.logs.ServiceLogs;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.MeshConfigException;
import dev.updraft.mesh.proxy.MeshProxy;
import dev.updraft.mesh.transport.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local target's long-lived process: it keeps service instances and database servers running
 * (restarting them with backoff when they crash), hosts the mesh proxy that gives each application
 * a stable address and serves the routers, and answers the engine over a Unix socket. It outlives
 * the CLI; its process table is saved after every change, so a new supervisor adopts the processes
 * of one that died.
 */
public final class Supervisor implements AutoCloseable {
  /** Held by the running supervisor: the kernel lets go of it when the process ends. */
  static final String LOCK = "supervisor.lock";

  /** Written when the supervisor stops on purpose, so that its watchdog does not restart it. */
  static final String STOPPED_MARKER = "supervisor.stopped";

  // How long a halted process has between SIGTERM and SIGKILL (systemd allows a unit 90 s).
  private static final Duration HALT = Duration.ofSeconds(10);

  // A retired instance's log is kept this long after its last line, then pruned.
  private static final Duration KEEP_RETIRED_LOGS = Duration.ofDays(7);

  // The embedded mesh's admin listener: any free loopback port, the same on every reload.
  private static final HostPort ADMIN = new HostPort("127.0.0.1", 0);

  private final Path dir;
  private final Map<String, ManagedProcess> processes = new ConcurrentHashMap<>();
  private final Map<String, ScheduledJob> schedules = new ConcurrentHashMap<>();
  // The last routing the engine published, kept in the table for a successor.
  private volatile Routing routing;
  private final ProcessTable table;
  private final Cgroups cgroups;
  private final Rotation rotation = rotation();
  private final MeshProxy mesh;
  private final LocalMesh meshed;
  private final ServerSocketChannel server;
  private final FileChannel lock;
  private volatile boolean stopping;
  // What runs beside it (the console), started once the processes are adopted.
  private volatile Extensions extensions = Extensions.NONE;
  private final Object saving = new Object();

  private Supervisor(
      Path dir, ServerSocketChannel server, MeshProxy mesh, LocalMesh meshed, FileChannel lock) {
    this.dir = dir;
    this.server = server;
    this.mesh = mesh;
    this.meshed = meshed;
    this.lock = lock;
    this.table = new ProcessTable(dir.resolve("supervisor.json"), EnvironmentKey.of(dir));
    this.cgroups = Cgroups.detect(dir);
  }

  private static Rotation rotation() {
    try {
      return Rotation.of(System.getenv());
    } catch (IllegalArgumentException e) {
      System.out.println("log rotation: " + e.getMessage() + "; using " + Rotation.DEFAULT);
      return Rotation.DEFAULT;
    }
  }

  /** Prunes the logs of retired instances now and then; the supervisor's life is its life. */
  private void pruneLogs() {
    ServiceLogs logs = new ServiceLogs(dir.resolve("logs"));
    while (!stopping) {
      try {
        Set<String> live = new HashSet<>(processes.keySet());
        live.addAll(schedules.keySet());
        logs.prune(live, KEEP_RETIRED_LOGS, Clock.systemUTC().instant());
        Thread.sleep(Duration.ofHours(1));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        System.out.println("pruning logs: " + e.getMessage());
        return;
      }
    }
  }

  /** Starts a supervisor for the environment whose data directory is {@code dir}. */
  public static Supervisor start(Path dir) throws IOException {
    PrivateFiles.directories(dir);
    FileChannel lock = Watchdog.lockFile(dir.resolve(LOCK));
    if (lock.tryLock() == null) {
      lock.close();
      throw new IllegalStateException(
          "another supervisor runs for " + dir + " (it holds " + dir.resolve(LOCK) + ")");
    }
    Files.deleteIfExists(dir.resolve(STOPPED_MARKER));
    Path socket = dir.resolve("supervisor.sock");
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    // bind takes no mode; the directory (0700) keeps others out until the socket is its owner's.
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    Transport transport = Transport.select(false);
    LocalMesh meshed = LocalMesh.start(dir, transport);
    MeshProxy mesh =
        MeshProxy.start(
            Routing.EMPTY.toMesh(ADMIN), transport, System.out, meshed.routerIdentity());
    Supervisor supervisor = new Supervisor(dir, server, mesh, meshed, lock);
    supervisor.adopt();
    Thread.ofVirtual().name("log-pruner").start(supervisor::pruneLogs);
    PrivateFiles.write(dir.resolve("supervisor.pid"), Long.toString(ProcessHandle.current().pid()));
    Expiry.watch(dir);
    supervisor.extensions = Extensions.start(dir);
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
        var out = Channels.newOutputStream(client)) {
      RequestLines in = new RequestLines(Channels.newInputStream(client), RequestLines.LIMIT);
      while (true) {
        String line;
        try {
          line = in.next();
        } catch (RequestLines.TooLongException e) {
          // Nothing after it can be told from the rest of that line: answer, then hang up.
          answer(out, Protocol.Response.error(e.getMessage()));
          return;
        }
        if (line == null) {
          return;
        }
        Protocol.Request request = null;
        Protocol.Response response;
        try {
          request = ProtocolJson.readRequest(line);
          response = dispatch(request);
        } catch (RuntimeException | IOException e) {
          response = Protocol.Response.error(String.valueOf(e.getMessage()));
        }
        answer(out, response);
        // Only once the engine has its answer: closing ends serve(), and with it this JVM.
        if (request != null && request.op() == Protocol.Op.SHUTDOWN) {
          stopOnPurpose();
          return;
        }
        if (request != null && request.op() == Protocol.Op.HALT) {
          halt();
          stopOnPurpose();
          return;
        }
      }
    } catch (IOException e) {
      // The engine went away mid-conversation; nothing to answer.
    }
  }

  private static void answer(OutputStream out, Protocol.Response response) throws IOException {
    out.write((ProtocolJson.write(response) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private Protocol.Response dispatch(Protocol.Request request) {
    return switch (request.op()) {
      case PING -> status();
      case STATUS -> status();
      case START -> {
        start(request.process());
        yield status();
      }
      case STOP -> {
        stop(
            request.id(),
            Duration.ofMillis(request.graceMillis() == null ? 10_000 : request.graceMillis()));
        yield status();
      }
      case ROUTE -> {
        mesh.reload(meshed.apply(request.routing(), ADMIN));
        routing = request.routing();
        save();
        yield status();
      }
      case SCHEDULE -> {
        schedule(request.schedule());
        yield status();
      }
      case TRIGGER -> {
        ScheduledJob job = schedules.get(request.id());
        if (job == null) {
          yield Protocol.Response.error(
              "id: "
                  + request.id()
                  + " (expected one of the cron jobs "
                  + schedules.keySet()
                  + ")");
        }
        job.trigger();
        yield status();
      }
      // handle() stops after answering
      case SHUTDOWN, HALT -> Protocol.Response.success();
    };
  }

  private Protocol.Response status() {
    List<Protocol.ProcessStatus> list = new ArrayList<>();
    for (ManagedProcess p : processes.values()) {
      Protocol.ProcessStatus status = p.status();
      list.add(status.withEjected(Ejections.of(mesh, status, meshed.routedPort(status.port()))));
    }
    Map<String, Integer> listeners = new java.util.TreeMap<>();
    mesh.listenerAddresses().forEach((name, address) -> listeners.put(name, address.getPort()));
    listeners.putAll(meshed.listeners());
    List<Protocol.ScheduleStatus> jobs = new ArrayList<>();
    schedules.values().forEach(j -> jobs.add(j.status()));
    return new Protocol.Response(
        true,
        null,
        list,
        jobs,
        listeners,
        mesh.adminAddress().getPort(),
        cgroups.unenforced().orElse(null),
        BuildId.current());
  }

  private void start(Protocol.ProcessSpec spec) {
    ManagedProcess existing = processes.get(spec.id());
    if (existing != null && existing.alive()) {
      return; // starting is idempotent: a re-run after a crash finds the instance already there
    }
    if (existing != null) {
      // Between a crash and its restart: replaced, and its own restart called off, else it would
      // start a second process of the same id that no table holds.
      existing.stop(Duration.ofSeconds(10));
    }
    ManagedProcess process = new ManagedProcess(spec, cgroups, rotation, this::save);
    processes.put(spec.id(), process);
    process.launch();
    save();
  }

  private void schedule(Protocol.ScheduleSpec spec) {
    // Idempotent like start: the id names a version of the job, so the same id is the same job.
    ScheduledJob job = new ScheduledJob(spec, Clock.systemUTC(), cgroups, this::save);
    if (schedules.putIfAbsent(spec.run().id(), job) == null) {
      job.start();
      save();
    }
  }

  private void stop(String id, Duration grace) {
    ManagedProcess process = processes.remove(id);
    if (process != null) {
      process.stop(grace);
    }
    ScheduledJob job = schedules.remove(id);
    if (job != null) {
      job.stop(grace);
    }
    save();
  }

  private void adopt() {
    ProcessTable.Contents saved = table.load();
    // The addresses first, so that what served before this supervisor serves again at once.
    if (saved.routing() != null) {
      routing = saved.routing();
      try {
        mesh.reload(meshed.apply(routing, ADMIN));
      } catch (MeshConfigException e) {
        // A port taken meanwhile must not keep the supervisor down (nor `deploy destroy` with
        // it): what can be served is, and the engine's next routing reports the rest.
        System.out.println("routes restored in part: " + e.getMessage());
      }
    }
    for (ProcessTable.Row row : saved.processes()) {
      ManagedProcess process = new ManagedProcess(row.spec(), cgroups, rotation, this::save);
      processes.put(row.spec().id(), process);
      process.adoptOrLaunch(row.pid(), row.startedMillis(), row.restarts());
    }
    for (ScheduledJob.Row row : saved.schedules()) {
      try {
        ScheduledJob job = new ScheduledJob(row.spec(), Clock.systemUTC(), cgroups, this::save);
        schedules.put(job.id(), job);
        job.adopt(row);
      } catch (IllegalArgumentException e) {
        // A schedule this version cannot read; the engine's next apply schedules it again.
        System.out.println("dropping cron job " + row.spec().run().id() + ": " + e.getMessage());
      }
    }
    // Instances stopped while no supervisor ran (or before it removed their cgroup) left these.
    Set<String> kept = new HashSet<>(processes.keySet());
    kept.addAll(schedules.keySet());
    cgroups.removeLeftovers(kept);
    cgroups.unenforced().ifPresent(why -> System.out.println("resources are not enforced: " + why));
    save();
  }

  private void save() {
    // Processes and cron runs end on threads of their own; without one lock around reading and
    // writing, an older snapshot could be written after a newer one. Rows take no lock, so this
    // one is always the innermost.
    synchronized (saving) {
      List<ProcessTable.Row> rows = new ArrayList<>();
      processes.values().forEach(p -> rows.add(p.row()));
      List<ScheduledJob.Row> jobs = new ArrayList<>();
      schedules.values().forEach(j -> jobs.add(j.row()));
      table.save(new ProcessTable.Contents(rows, jobs, routing));
    }
  }

  /** Marks the stop as wanted (the watchdog then stops too), and closes. */
  private void stopOnPurpose() {
    try {
      PrivateFiles.write(dir.resolve(STOPPED_MARKER), Long.toString(ProcessHandle.current().pid()));
    } catch (UncheckedIOException e) {
      System.out.println("cannot write " + STOPPED_MARKER + ": " + e.getMessage());
    }
    close();
  }

  /**
   * Stops every process and cron run at once, as a machine's shutdown wants, and keeps them in the
   * table: the next supervisor starts them again.
   */
  private void halt() {
    List<Thread> stops = new ArrayList<>();
    processes.values().forEach(p -> stops.add(Thread.ofVirtual().start(() -> p.stop(HALT))));
    schedules.values().forEach(j -> stops.add(Thread.ofVirtual().start(() -> j.stop(HALT))));
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    save();
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
    extensions.close();
    mesh.close();
    meshed.close();
    try {
      lock.close(); // releases the lock: the watchdog sees this supervisor gone
    } catch (IOException e) {
      // released at exit anyway
    }
  }

  /** Stops every process too: used by {@code destroy}. */
  public void stopAll() {
    for (String id : List.copyOf(processes.keySet())) {
      stop(id, Duration.ofSeconds(10));
    }
    for (String id : List.copyOf(schedules.keySet())) {
      stop(id, Duration.ofSeconds(10));
    }
  }

  public Path dir() {
    return dir;
  }
}
