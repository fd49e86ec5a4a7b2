package dev.updraft.deploy.local;

import dev.updraft.deploy.spec.Cron;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One cron job under the supervisor: a timer on a virtual thread starts a run at each time the
 * schedule names, one run at a time (a run still going when the next is due makes that one skipped,
 * as {@code concurrencyPolicy: Forbid} does), each run killed after the job's timeout. Runs append
 * to one log, each under a header line. When the supervisor was down at a time the schedule named,
 * its successor runs the latest such run once when it adopts the job, as the CronJob controller
 * does for a missed schedule.
 */
final class ScheduledJob {
  /**
   * Its state in the supervisor's table: enough to adopt a run and to know what was missed.
   *
   * @param lastOutcome its last run's {@link RunEnd} as the phrase the table holds
   */
  record Row(
      Protocol.ScheduleSpec spec,
      long lastFireMillis,
      int runs,
      long pid,
      long startedMillis,
      String lastOutcome,
      Integer lastExit) {}

  private final Protocol.ScheduleSpec spec;
  private final Cron cron;
  private final Clock clock;
  private final Cgroups cgroups;
  private final Cgroup cgroup;
  private final Runnable onChange;
  private volatile long lastFireMillis;
  private volatile int runs;
  private volatile ProcessHandle current;
  private volatile long startedMillis;
  private volatile RunEnd lastOutcome;
  private volatile Integer lastExit;
  private volatile long oomKills;
  private volatile boolean wanted = true;
  private Thread timer;

  ScheduledJob(Protocol.ScheduleSpec spec, Clock clock, Cgroups cgroups, Runnable onChange) {
    this.spec = spec;
    this.cron = Cron.parse(spec.cron(), spec.zone());
    this.clock = clock;
    this.cgroups = cgroups;
    this.cgroup = cgroups.group(spec.run().id(), spec.run().resources());
    this.onChange = onChange;
    this.lastFireMillis = clock.millis();
  }

  String id() {
    return spec.run().id();
  }

  /** Starts the timer of a job just scheduled. */
  synchronized void start() {
    timer = Thread.ofVirtual().name("cron-" + id()).start(this::tick);
  }

  /** Takes over a job a previous supervisor ran: its counters, its run if still going, a miss. */
  synchronized void adopt(Row row) {
    runs = row.runs();
    lastOutcome = RunEnd.parse(row.lastOutcome());
    lastExit = row.lastExit();
    lastFireMillis = row.lastFireMillis();
    Optional<ProcessHandle> run = ManagedProcess.same(row.pid(), row.startedMillis());
    if (run.isPresent()) {
      current = run.get();
      startedMillis = row.startedMillis();
      oomKills = cgroup.oomKills();
      ManagedProcess.gone(run.get(), row.startedMillis())
          .thenRun(() -> finished(run.get(), null, null));
    }
    missed(Instant.ofEpochMilli(clock.millis()))
        .ifPresent(
            at -> {
              lastFireMillis = at.toInstant().toEpochMilli();
              fire(at.toInstant(), "missed at " + at + " while the supervisor was down");
            });
    start();
  }

  /** The latest time the schedule named after the last run and before {@code now}, if any. */
  Optional<ZonedDateTime> missed(Instant now) {
    return cron.previous(now.atZone(cron.zone()))
        .filter(at -> at.toInstant().toEpochMilli() > lastFireMillis);
  }

  /** When the schedule next fires after {@code after}. */
  Instant next(Instant after) {
    return cron.next(after.atZone(cron.zone())).toInstant();
  }

  private void tick() {
    Instant due = next(Instant.ofEpochMilli(Math.max(clock.millis(), lastFireMillis)));
    while (wanted) {
      long wait = due.toEpochMilli() - clock.millis();
      if (wait > 0) {
        try {
          // Wake at least every 30 s: a changed wall clock is noticed within that.
          Thread.sleep(Math.min(wait, 30_000));
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      lastFireMillis = due.toEpochMilli();
      fire(due, "scheduled");
      due = next(Instant.ofEpochMilli(Math.max(clock.millis(), lastFireMillis)));
    }
  }

  /** Runs the job now, outside its schedule; returns the run's number, or -1 if one is going. */
  int trigger() {
    return fire(Instant.ofEpochMilli(clock.millis()), "started by hand");
  }

  private synchronized int fire(Instant at, String why) {
    if (!wanted) {
      return -1;
    }
    // A run is going until its end is recorded: its outcome must be known before the next one.
    if (current != null) {
      lastOutcome = new RunEnd(RunEnd.Phase.SKIPPED, at.toString());
      onChange.run();
      return -1;
    }
    int run = ++runs;
    try {
      Path log = PrivateFiles.touch(Path.of(spec.run().log()));
      Files.writeString(
          log,
          "[updraft] run " + run + " at " + at.atZone(cron.zone()) + " (" + why + ")\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      List<String> command = cgroups.enter(cgroup, spec.run().command(), log);
      oomKills = cgroup.oomKills();
      Process process = ManagedProcess.builder(spec.run(), command).start();
      ProcessHandle handle = process.toHandle();
      current = handle;
      startedMillis = clock.millis();
      RunEnd timedOut = new RunEnd(RunEnd.Phase.TIMED_OUT, spec.timeoutMillis() / 1000 + "s");
      AtomicBoolean late = new AtomicBoolean();
      Thread deadline =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Thread.sleep(spec.timeoutMillis());
                    } catch (InterruptedException e) {
                      return;
                    }
                    if (handle.isAlive()) {
                      // Stopped before its outcome is recorded: a run with an outcome is over.
                      late.set(true);
                      ManagedProcess.stopTree(handle, Duration.ofSeconds(5));
                      finished(handle, null, timedOut);
                    }
                  });
      process
          .onExit()
          .thenRun(
              () -> {
                if (late.get()) {
                  return; // the deadline stops what is left of it, then records the timeout
                }
                deadline.interrupt();
                finished(handle, process.exitValue(), null);
              });
    } catch (IOException e) {
      lastOutcome = new RunEnd(RunEnd.Phase.NOT_STARTED, String.valueOf(e.getMessage()));
      lastExit = null;
    }
    onChange.run();
    return run;
  }

  private synchronized void finished(ProcessHandle handle, Integer exit, RunEnd timedOut) {
    if (current != handle) {
      return; // already recorded (a timeout, then the exit it caused)
    }
    lastExit = exit;
    lastOutcome =
        timedOut != null
            ? timedOut
            : exit == null
                ? new RunEnd(
                    RunEnd.Phase.ADOPTED,
                    cgroup.killedForMemory(null, oomKills).map(why -> "; " + why).orElse(""))
                : exit == 0
                    ? RunEnd.SUCCEEDED
                    : new RunEnd(RunEnd.Phase.FAILED, cgroup.ended(exit, oomKills));
    current = null; // last: see status()
    onChange.run();
  }

  /** No more runs; a run going on is stopped. */
  void stop(Duration grace) {
    Thread t;
    synchronized (this) {
      wanted = false;
      t = timer;
    }
    if (t != null) {
      t.interrupt();
    }
    ProcessHandle going = current;
    if (going != null && going.isAlive()) {
      ManagedProcess.stopTree(going, grace);
    }
    cgroup.remove();
  }

  // Not synchronized: fire and finished call onChange, which reads every job's row, under their
  // lock. A reader still sees a run going or its outcome, never the gap (deploy run waits for the
  // pid to go, then reads the outcome): finished writes the outcome before it clears current.
  Protocol.ScheduleStatus status() {
    ProcessHandle going = current;
    Instant now = Instant.ofEpochMilli(Math.max(clock.millis(), lastFireMillis));
    return new Protocol.ScheduleStatus(
        id(),
        spec.run().service(),
        spec.cron(),
        cron.zone().getId(),
        next(now).atZone(cron.zone()).toOffsetDateTime().toString(),
        runs,
        going != null ? going.pid() : 0,
        runs == 0 ? null : Instant.ofEpochMilli(startedMillis).toString(),
        lastOutcome,
        lastExit,
        spec.run().log());
  }

  Row row() {
    ProcessHandle going = current;
    return new Row(
        spec,
        lastFireMillis,
        runs,
        going == null ? 0 : going.pid(),
        startedMillis,
        lastOutcome == null ? null : lastOutcome.word(),
        lastExit);
  }
}
