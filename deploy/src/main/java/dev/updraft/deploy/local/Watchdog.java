package dev.updraft.deploy.local;

import dev.updraft.deploy.state.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The environment's root process: it starts the supervisor as its child and starts it again when it
 * dies, for whatever reason (kill -9, a crash, an out-of-memory exit, a hang its pings find), until
 * the supervisor says it stopped on purpose ({@code down}, {@code destroy}, an upgrade). It does
 * nothing else, so that it has next to nothing that can fail: no sockets of its own, no table, no
 * child but the supervisor, and its death strands nothing (the supervisor and the instances run on;
 * the next updraft command starts a watchdog that watches that supervisor).
 *
 * <p>One watchdog per environment: it holds {@code watchdog.lock} for its life. A supervisor it did
 * not start (it outlived an earlier watchdog) is watched through {@code supervisor.lock}, which
 * that supervisor holds until the kernel releases it at its exit, so no pid can be mistaken for it.
 *
 * <p>SIGTERM (as {@code systemctl stop} and a shutdown send it) halts the environment: the
 * supervisor stops its processes and keeps its table, so the next start brings them back.
 */
public final class Watchdog {
  /** Exit status when the supervisor stopped on purpose: systemd must not restart the unit. */
  public static final int STOPPED = 4;

  private static final long MIN_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 30_000;
  // A supervisor that served this long had started well: its death is not a crash loop.
  private static final long STABLE_MS = 10_000;

  private final Path dir;
  private final Liveness liveness;
  private volatile boolean halting;
  // Set before this JVM exits by itself, so that the shutdown hook does not halt anything.
  private volatile boolean done;
  private volatile Process child;

  Watchdog(Path dir, Liveness liveness) {
    this.dir = dir.toAbsolutePath();
    this.liveness = liveness;
  }

  /** {@code Watchdog DATA_DIR [PING_INTERVAL_MILLIS]}; tests shorten the interval (5 s). */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: Watchdog DATA_DIR [PING_INTERVAL_MILLIS]");
      System.exit(2);
    }
    Duration interval =
        args.length == 2 ? Duration.ofMillis(Long.parseLong(args[1])) : Duration.ofSeconds(5);
    Path dir = Path.of(args[0]);
    PrivateFiles.directories(dir);
    try (FileChannel channel = lockFile(dir.resolve("watchdog.lock"));
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        // The usual race: two commands found no supervisor at once and each started a watchdog.
        System.out.println(stamp() + " watchdog: another watchdog watches " + dir);
        return;
      }
      PrivateFiles.write(dir.resolve("watchdog.pid"), ProcessHandle.current().pid() + "\n");
      Watchdog watchdog = new Watchdog(dir, new Liveness(dir, interval));
      Runtime.getRuntime().addShutdownHook(new Thread(watchdog::halt, "watchdog-halt"));
      int status = watchdog.run();
      watchdog.done = true;
      Files.deleteIfExists(dir.resolve("watchdog.pid"));
      System.exit(status);
    }
  }

  /** Keeps a supervisor running; returns when it stopped on purpose or the environment is gone. */
  int run() throws InterruptedException {
    int quickDeaths = 0;
    while (!halting) {
      if (!Files.isDirectory(dir)) {
        log("the data directory is gone; nothing left to watch");
        return 0;
      }
      long started = System.currentTimeMillis();
      String how = supervise();
      if (halting) {
        break;
      }
      if (Files.exists(dir.resolve(Supervisor.STOPPED_MARKER))) {
        log("the supervisor stopped on purpose; the watchdog stops too");
        return STOPPED;
      }
      quickDeaths = System.currentTimeMillis() - started > STABLE_MS ? 0 : quickDeaths + 1;
      long delay = delay(quickDeaths);
      log(
          "the supervisor "
              + how
              + "; starting it again"
              + (delay > 0 ? " in " + delay + "ms" : ""));
      Thread.sleep(delay);
    }
    return 0;
  }

  /**
   * How long to wait before the next start, after {@code quickDeaths} supervisors in a row that
   * died within {@link #STABLE_MS} of starting (the last one included; 0 after a stable run). The
   * first restart is at once: routes are down until the successor serves them. Then 200 ms doubling
   * to 30 s, so a supervisor that cannot start does not take a core.
   */
  static long delay(int quickDeaths) {
    if (quickDeaths <= 1) {
      return 0;
    }
    return Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(quickDeaths - 2, 20));
  }

  /** Runs (or watches) one supervisor until it is gone; says how it went. */
  private String supervise() throws InterruptedException {
    if (liveness.supervisorLocked()) {
      // A supervisor that outlived an earlier watchdog: watch it rather than start a second one.
      log("watching the running supervisor");
      liveness.watch(null);
      return "exited (it was not started by this watchdog)";
    }
    Process process;
    try {
      Files.deleteIfExists(dir.resolve(Supervisor.STOPPED_MARKER));
      process =
          new ProcessBuilder(supervisorCommand(dir))
              .redirectErrorStream(true)
              // A file, not a pipe: nothing the supervisor writes can block on, or die of, a
              // reader that is gone.
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(
                      PrivateFiles.touch(dir.resolve("supervisor.log")).toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException | UncheckedIOException e) {
      return "could not be started (" + e.getMessage() + ")";
    }
    child = process;
    if (!liveness.watch(process)) {
      log("the supervisor stopped answering; killing it (pid " + process.pid() + ")");
      process.destroyForcibly();
    }
    int code = process.waitFor();
    child = null;
    return code > 128 ? "was killed (signal " + (code - 128) + ")" : "exited with " + code;
  }

  /** SIGTERM: the environment's processes stop, its table stays; then this JVM ends. */
  private void halt() {
    if (done) {
      return;
    }
    halting = true;
    Process process = child;
    log("halting: the supervisor stops every process and keeps its table");
    try (SupervisorClient client = SupervisorClient.connect(dir)) {
      if (client != null) {
        client.call(Protocol.Request.of(Protocol.Op.HALT));
      }
    } catch (RuntimeException e) {
      log("the supervisor did not take the halt: " + e.getMessage());
    }
    if (process != null) {
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How to start a watchdog for {@code dir}: detached from the terminal, on this class path. */
  public static List<String> command(Path dir) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(javaCommand(dir));
    return command;
  }

  /** The watchdog's JVM and arguments, as a systemd unit runs it (in a session of its own). */
  static List<String> javaCommand(Path dir) {
    return java(
        List.of("-Xmx16m", "-Xss512k", "-XX:CICompilerCount=1"),
        Watchdog.class,
        dir.toAbsolutePath().toString());
  }

  /** How the watchdog starts a supervisor. */
  static List<String> supervisorCommand(Path dir) {
    return java(List.of("-Xmx64m"), SupervisorMain.class, dir.toAbsolutePath().toString());
  }

  private static List<String> java(List<String> options, Class<?> main, String dir) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(options);
    command.addAll(List.of("-cp", BuildId.classPath(), main.getName(), dir));
    return command;
  }

  /**
   * A lock file of the state directory, made private if it is not there. Its directory is not made:
   * a lock looked at after the environment was removed must not bring the directory back.
   */
  static FileChannel lockFile(Path file) throws IOException {
    return FileChannel.open(
        file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PrivateFiles.fileMode());
  }

  private static String stamp() {
    return Instant.now().toString();
  }

  private static void log(String message) {
    System.out.println(stamp() + " watchdog: " + message);
    System.out.flush();
  }
}
