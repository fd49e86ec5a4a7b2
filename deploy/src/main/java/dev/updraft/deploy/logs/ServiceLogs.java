package dev.updraft.deploy.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The logs of a service's instances in a log directory ({@code <service>-<version>-<n>.log}, live
 * and retired ones alike): read, filtered, cut to a tail and followed, new instances included, as
 * {@code docker compose logs -f} does.
 */
public final class ServiceLogs {
  /** How often a follower looks for new lines: well within the second a line may take to show. */
  public static final long POLL_MILLIS = 200;

  private static final Pattern VERSIONED = Pattern.compile("-[0-9a-f]{12}-[0-9]+\\.log");
  private static final Pattern INSTANCE = Pattern.compile(".+-[0-9a-f]{12}-[0-9]+\\.log");

  private final Path dir;

  public ServiceLogs(Path dir) {
    this.dir = dir;
  }

  /** The ids of the instances of {@code service} that have a log here, sorted. */
  public Set<String> instances(String service) {
    Set<String> ids = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return ids;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.startsWith(service + "-")
            && VERSIONED.matcher(name.substring(service.length())).matches()) {
          ids.add(name.substring(0, name.length() - 4));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("logs " + dir + ": " + e.getMessage(), e);
    }
    return ids;
  }

  /**
   * Hands {@code sink} the lines {@code query} asks for, in time order, then (when it follows) each
   * new line within {@link #POLL_MILLIS} until {@code stop} says so.
   */
  public void read(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    Map<String, LogFollower> followers = new LinkedHashMap<>();
    try {
      List<LogLine> history = new ArrayList<>();
      pollAll(query, followers, history);
      ArrayDeque<LogLine> shown = new ArrayDeque<>();
      for (LogLine line : history) {
        if (query.shows(line)) {
          shown.addLast(line);
          if (query.tail() >= 0 && shown.size() > query.tail()) {
            shown.removeFirst();
          }
        }
      }
      shown.forEach(sink);
      while (query.follow() && !stop.getAsBoolean()) {
        Thread.sleep(POLL_MILLIS);
        List<LogLine> fresh = new ArrayList<>();
        pollAll(query, followers, fresh);
        fresh.stream().filter(query::shows).forEach(sink);
      }
    } finally {
      followers.values().forEach(LogFollower::close);
    }
  }

  private void pollAll(LogQuery query, Map<String, LogFollower> followers, List<LogLine> into) {
    for (String id : instances(query.service())) {
      if (query.instance().isEmpty() || query.instance().equals(id)) {
        followers.computeIfAbsent(id, i -> LogFollower.fromStart(dir.resolve(i + ".log"), i));
      }
    }
    for (LogFollower f : followers.values()) {
      into.addAll(f.poll());
    }
    into.sort(Comparator.comparing(LogLine::time)); // stable: each instance's own order stays
  }

  /**
   * Deletes the logs (and spools) of instances not in {@code live} that nothing wrote to for {@code
   * keep}: a retired instance's log is kept that long for whoever looks into what happened.
   */
  public void prune(Set<String> live, Duration keep, Instant now) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    FileTime before = FileTime.from(now.minus(keep));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        String id = name.substring(0, name.length() - 4);
        if (!INSTANCE.matcher(name).matches()
            || live.contains(id)
            || Files.getLastModifiedTime(f).compareTo(before) > 0) {
          continue;
        }
        for (int i = StampedLog.MAX_GENERATIONS; i >= 0; i--) {
          Files.deleteIfExists(StampedLog.generation(f, i));
        }
        Path spool = Spool.of(f);
        Files.deleteIfExists(spool.resolveSibling(spool.getFileName() + ".at"));
        Files.deleteIfExists(spool);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("logs " + dir + ": " + e.getMessage(), e);
    }
  }
}
