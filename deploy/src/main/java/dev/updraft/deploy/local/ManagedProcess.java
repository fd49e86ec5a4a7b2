package dev.updraft.deploy.local;

import dev.updraft.deploy.logs.Rotation;
import dev.updraft.deploy.logs.Spool;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One process the supervisor keeps running: started with its own directory, environment and log
 * spool (whose lines a collector stamps into the instance's rotated log), inside its cgroup when it
 * has limits, restarted with exponential backoff (0.5 s doubling to 30 s, reset after a minute of
 * uptime) when it exits, and stopped as a whole process group and tree: SIGTERM, then SIGKILL after
 * the grace period; its cgroup goes with it.
 */
final class ManagedProcess {
  private static final long MIN_BACKOFF_MS = 500;
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final Duration LEFT_BEHIND_GRACE = Duration.ofSeconds(5);
  private static final long COLLECT_MILLIS = 100;

  private final Protocol.ProcessSpec spec;
  private final Cgroups cgroups;
  private final Cgroup cgroup;
  private final Runnable onChange;
  private final Spool spool;
  private volatile boolean collecting = true;
  private volatile ProcessHandle handle;
  private volatile long startedMillis;
  private volatile boolean wanted = true;
  private volatile int restarts;
  private volatile Integer lastExit;
  private volatile ProcessState state = ProcessState.STARTING;
  private volatile String ended;
  private volatile long oomKills;
  private long backoff = MIN_BACKOFF_MS;

  ManagedProcess(Protocol.ProcessSpec spec, Cgroups cgroups, Rotation rotation, Runnable onChange) {
    this.spec = spec;
    this.cgroups = cgroups;
    this.cgroup = cgroups.group(spec.id(), spec.resources());
    this.onChange = onChange;
    this.spool = new Spool(Path.of(spec.log()), rotation, Clock.systemUTC());
    Thread.ofVirtual().name("log-" + spec.id()).start(this::collect);
  }

  private void collect() {
    while (collecting) {
      try {
        if (spool.collect() == 0) {
          Thread.sleep(COLLECT_MILLIS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // A full disk, a log removed by hand: the next round tries again, the process runs on.
        System.out.println("log of " + spec.id() + ": " + e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  synchronized void launch() {
    if (!wanted) {
      return;
    }
    try {
      // Made before each start: a restart finds its limits even if a cleanup took the cgroup.
      Path output = spool.file();
      List<String> command = cgroups.enter(cgroup, spec.command(), output);
      oomKills = cgroup.oomKills();
      Process process = builder(spec, command, output).start();
      handle = process.toHandle();
      startedMillis = System.currentTimeMillis();
      state = ProcessState.RUNNING;
      process.onExit().thenRun(() -> exited(process.exitValue()));
    } catch (IOException e) {
      state = ProcessState.failed(e.getMessage());
      scheduleRestart();
    }
  }

  /**
   * Takes over a process a previous supervisor started, if it still runs; else starts anew. {@code
   * restarts} carries the count over, as the table kept it.
   */
  void adoptOrLaunch(long pid, long started, int restarts) {
    this.restarts = restarts;
    Optional<ProcessHandle> found = same(pid, started);
    if (found.isPresent()) {
      handle = found.get();
      startedMillis = started;
      oomKills = cgroup.oomKills();
      state = ProcessState.RUNNING;
      gone(handle, started).thenRun(() -> exited(null));
    } else {
      endLeftBehind(pid);
      launch();
    }
  }

  // A process exits once before it is launched again, so one exit is handled at a time.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private void exited(Integer code) {
    spool.finish(); // its last lines are in its log before anyone hears that it ended
    lastExit = code;
    ended = cgroup.ended(code, oomKills);
    if (!wanted) {
      state = ProcessState.STOPPED;
      onChange.run();
      return;
    }
    ProcessHandle h = handle;
    if (h != null) {
      endLeftBehind(h.pid());
    }
    restarts++;
    state = ProcessState.crashed(ended);
    if (System.currentTimeMillis() - startedMillis > 60_000) {
      backoff = MIN_BACKOFF_MS;
    }
    scheduleRestart();
    onChange.run();
  }

  private void scheduleRestart() {
    long delay = backoff;
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(delay);
              } catch (InterruptedException e) {
                return;
              }
              if (wanted && spec.restart()) {
                launch();
                onChange.run();
              }
            });
  }

  void stop(Duration grace) {
    wanted = false;
    ProcessHandle h = handle;
    if (h != null && h.isAlive()) {
      stopTree(h, grace);
    } else if (h != null) {
      endLeftBehind(h.pid());
    }
    cgroup.remove();
    collecting = false;
    spool.finish();
    spool.close();
    state = ProcessState.STOPPED;
  }

  /**
   * Ends what an instance's process left running in its group when it died, as a container's
   * processes end with it: a shell's command outliving the shell would keep the port, and every
   * start after it would fail to listen.
   */
  private static void endLeftBehind(long pid) {
    List<ProcessHandle> left = ProcessGroups.leftBehind(pid);
    left.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + LEFT_BEHIND_GRACE.toNanos();
    for (ProcessHandle p : left) {
      if (!ended(p, deadline)) {
        p.destroyForcibly();
        ended(p, System.nanoTime() + LEFT_BEHIND_GRACE.toNanos());
      }
    }
  }

  /**
   * {@code command} as {@code spec} describes it: its directory, only its environment, its log
   * (made private if new), in a session of its own so that a stop reaches all it started.
   */
  static ProcessBuilder builder(Protocol.ProcessSpec spec, List<String> command) {
    return builder(spec, command, Path.of(spec.log()));
  }

  /** As {@link #builder(Protocol.ProcessSpec, List)}, writing to {@code output} instead. */
  static ProcessBuilder builder(Protocol.ProcessSpec spec, List<String> command, Path output) {
    PrivateFiles.touch(output);
    ProcessBuilder builder =
        new ProcessBuilder(ProcessGroups.newSession(command))
            .directory(new File(spec.cwd()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(spec.env());
    return builder;
  }

  /**
   * SIGTERM to the process, its descendants and its process group (what a shell forked, even once
   * reparented), SIGKILL to what is left of them after the grace.
   */
  static void stopTree(ProcessHandle h, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    boolean group = ProcessGroups.leads(h.pid());
    Set<ProcessHandle> rest = new LinkedHashSet<>();
    if (group) {
      h.destroy(); // at once: the group, found after, keeps what it forked even once reparented
      rest.addAll(ProcessGroups.members(h.pid()));
    } else {
      rest.addAll(h.descendants().toList()); // before it goes, and they with it
      h.destroy();
    }
    rest.addAll(h.descendants().toList());
    rest.remove(h);
    rest.forEach(ProcessHandle::destroy);
    if (!ended(h, deadline)) {
      h.destroyForcibly();
    }
    if (group) {
      rest.addAll(ProcessGroups.members(h.pid())); // started while the leader went
    }
    for (ProcessHandle p : rest) {
      if (!ended(p, deadline)) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * Waits until {@code h} has ended, at most until {@code deadline} ({@link System#nanoTime}).
   * Ended includes a zombie: an adopted instance, or what its shell forked, is no child of this
   * JVM, whose {@link ProcessHandle#onExit} would poll it every few seconds and take a zombie for
   * alive. A child of this JVM is reaped by the JDK and so ends the same way.
   */
  static boolean ended(ProcessHandle h, long deadline) {
    while (h.isAlive() && !zombie(h.pid())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code pid} is still the process started at {@code startedMillis} (pids recycle), and
   * alive: a zombie is not (an orphan's parent is init, and not every init reaps).
   */
  static Optional<ProcessHandle> same(long pid, long startedMillis) {
    Optional<ProcessHandle> found = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
    return found.filter(
        h ->
            h.isAlive()
                && !zombie(pid)
                && h.info()
                    .startInstant()
                    .map(i -> Math.abs(i.toEpochMilli() - startedMillis) < 2000)
                    .orElse(false));
  }

  /**
   * Completes when a process this JVM did not start is gone. {@link ProcessHandle#onExit} polls
   * such a process every few seconds and takes a zombie for alive; this looks four times a second.
   */
  static CompletableFuture<Void> gone(ProcessHandle h, long startedMillis) {
    CompletableFuture<Void> gone = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("adopted-" + h.pid())
        .start(
            () -> {
              while (same(h.pid(), startedMillis).isPresent()) {
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
              }
              gone.complete(null);
            });
    return gone;
  }

  /** Whether {@code /proc} shows {@code pid} as a zombie (exited, not yet reaped). */
  static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name, in parentheses, may hold anything; the state follows its last ')'.
      int end = stat.lastIndexOf(')');
      char state = end > 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return false; // no /proc entry: isAlive said the rest
    }
  }

  boolean alive() {
    ProcessHandle h = handle;
    return wanted && h != null && h.isAlive() && !zombie(h.pid());
  }

  Protocol.ProcessStatus status() {
    ProcessHandle h = handle;
    String port = spec.env().get("PORT");
    return new Protocol.ProcessStatus(
        spec.id(),
        spec.service(),
        h == null ? 0 : h.pid(),
        state,
        restarts,
        lastExit,
        spec.log(),
        port == null ? 0 : Integer.parseInt(port),
        ended,
        alive() ? startedMillis : 0,
        null);
  }

  ProcessTable.Row row() {
    ProcessHandle h = handle;
    return new ProcessTable.Row(spec, h == null ? 0 : h.pid(), startedMillis, restarts);
  }
}
