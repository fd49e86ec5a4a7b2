package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.local.LocalRuntime;
import dev.updraft.deploy.local.Observation;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.RuntimeTarget;
import dev.updraft.deploy.local.ServerBinaries;
import dev.updraft.mesh.transport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Test environments: the example shop copied to a temporary directory, engines, HTTP calls. */
final class Shops {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * A small HTTP service for tests: {@code /health} answers 200, or 500 "db down" with {@code
   * HEALTH=500}, or after 5 s with {@code HEALTH=slow}; other paths answer its working directory's
   * name and {@code PYTHONUNBUFFERED}, or with {@code FINGERPRINT=NAME...} the first 16 hex digits
   * of the SHA-256 of each variable named (what it got, without writing the value anywhere).
   */
  static final String PYTHON_SERVER =
      """
      import hashlib, http.server, os, time

      def h(name):
          return hashlib.sha256(os.environ.get(name, "").encode()).hexdigest()[:16]

      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              mode = os.environ.get("HEALTH", "ok")
              if self.path == "/health" and mode == "slow":
                  time.sleep(5)
              code = 200
              if self.path == "/health" and mode == "500":
                  code, body = 500, b"db down\\n"
              elif "FINGERPRINT" in os.environ:
                  body = " ".join(n + "=" + h(n) for n in os.environ["FINGERPRINT"].split()).encode()
              else:
                  body = ("cwd=%s unbuffered=%s" % (os.path.basename(os.getcwd()),
                          os.environ.get("PYTHONUNBUFFERED"))).encode()
              self.send_response(code)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)

          def log_message(self, *args):
              pass

      http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  private Shops() {}

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("examples/shop/updraft.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "examples/shop not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** Copies a directory of the repository's examples into {@code target}. */
  static Path copy(String example, Path target) {
    Path source = repositoryRoot().resolve("examples").resolve(example);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path relative = source.relativize(p);
        if (relative.toString().startsWith(".updraft")) {
          continue;
        }
        Path to = target.resolve(relative.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    return FreePorts.any();
  }

  static void replace(Path file, String from, String to) {
    try {
      String text = Files.readString(file);
      if (!text.contains(from)) {
        throw new IllegalStateException(file + " does not contain " + from);
      }
      Files.writeString(file, text.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Engine engine(Path spec, List<Event> events) {
    Redactor redactor = new Redactor();
    EventSink sink = events::add;
    return new Engine(
        spec, sink, redactor, System.getenv(), 4, null, RuntimeTarget.factory(LocalRuntime::new));
  }

  /** An engine whose databases run only the pinned servers: the host's are hidden from it. */
  static Engine pinnedEngine(Path spec, List<Event> events) {
    return pinnedEngine(spec, events, System.getenv());
  }

  /** {@link #pinnedEngine(Path, List)} with {@code env} as the environment it reads. */
  static Engine pinnedEngine(Path spec, List<Event> events, Map<String, String> env) {
    ServerBinaries pinned = pinnedServers();
    return new Engine(
        spec,
        events::add,
        new Redactor(),
        env,
        4,
        null,
        RuntimeTarget.factory(dir -> new LocalRuntime(dir, pinned)));
  }

  /** The pinned servers alone, as on a machine with only a JDK: the host's are hidden. */
  static ServerBinaries pinnedServers() {
    return ServerBinaries.of(
        ServerBinaries.Source.PINNED, List.of(), List.of(), ServerBinaries.defaultCache());
  }

  /** Tears an environment down after a test, whatever state the test left it in. */
  static void destroy(Path spec, List<Event> events) {
    try {
      destroyWithData(engine(spec, events));
    } catch (RuntimeException e) {
      // already gone
    }
  }

  /** Destroys an environment, and its PostgreSQL clusters, which destroy keeps. */
  static void destroyWithData(Engine engine) {
    Path clusters = LocalRuntime.postgresClusters(engine.dataDir());
    engine.destroy();
    try {
      Artifacts.deleteTree(clusters);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Event> events() {
    return new CopyOnWriteArrayList<>();
  }

  /** The pid a file of the data directory holds ({@code supervisor.pid}, {@code watchdog.pid}). */
  static long pid(Path data, String file) {
    try {
      return Long.parseLong(Files.readString(data.resolve(file)).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** kill -9 of a process, waiting until it is gone. */
  static void kill9(long pid) {
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              p.destroyForcibly();
              p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            });
  }

  /**
   * kill -9 of the watchdog, then of the supervisor: nothing restarts it, as after a crash of a
   * build without a watchdog, or a watchdog killed first.
   */
  static void killSupervision(Path data) {
    kill9(pid(data, "watchdog.pid"));
    kill9(pid(data, "supervisor.pid"));
  }

  /** The pid of each instance whose process runs, by instance id. */
  static Map<String, Long> pids(Observation seen) {
    Map<String, Long> pids = new TreeMap<>();
    for (Protocol.ProcessStatus p : seen.processes()) {
      if (Observation.running(p)) {
        pids.put(p.id(), p.pid());
      }
    }
    return pids;
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
