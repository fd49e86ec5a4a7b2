package dev.updraft.console.signals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Scrapes one router's admin {@code /metrics} every interval and keeps the last 15 minutes, so a
 * chart has history from the moment the console started, whoever looks. A scrape that fails (the
 * router is being restarted, not there yet) is skipped.
 */
public final class Sampler implements AutoCloseable {
  /** How much history is kept and charted. */
  public static final Duration HISTORY = Duration.ofMinutes(15);

  private final IntSupplier adminPort;
  private final long windowMillis;
  private final ArrayDeque<Snapshot> snapshots = new ArrayDeque<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final ScheduledExecutorService timer;

  /**
   * @param adminPort the router's admin port now (0: unknown; asked on every scrape, since a
   *     supervisor restarted elsewhere may move it)
   * @param interval how often to scrape
   * @param window how far apart the two scrapes a point compares are
   */
  public Sampler(IntSupplier adminPort, Duration interval, Duration window) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    this.adminPort = adminPort;
    this.windowMillis = window.toMillis();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("console-sampler").unstarted(r));
    timer.scheduleWithFixedDelay(this::scrape, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void scrape() {
    int port = adminPort.getAsInt();
    if (port <= 0) {
      return;
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        add(Snapshot.of(System.currentTimeMillis(), Exposition.parse(response.body())));
      }
    } catch (java.io.IOException e) {
      // no router answers now: a gap in the chart says so
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // a scrape must never end the sampling
    }
  }

  synchronized void add(Snapshot snapshot) {
    snapshots.addLast(snapshot);
    long oldest = snapshot.epochMillis() - HISTORY.toMillis() - windowMillis;
    while (snapshots.getFirst().epochMillis() < oldest) {
      snapshots.removeFirst();
    }
  }

  /** Every route seen in the history, sorted. */
  public synchronized List<Snapshot.Route> routes() {
    TreeSet<Snapshot.Route> routes = new TreeSet<>();
    snapshots.forEach(s -> routes.addAll(s.routes().keySet()));
    return List.copyOf(routes);
  }

  /** The route's points over the history, oldest first. */
  public synchronized List<Point> series(Snapshot.Route route) {
    List<Snapshot> all = new ArrayList<>(snapshots);
    List<Point> points = new ArrayList<>();
    int base = 0;
    for (int i = 1; i < all.size(); i++) {
      long t = all.get(i).epochMillis();
      while (base + 1 < i && all.get(base + 1).epochMillis() <= t - windowMillis) {
        base++;
      }
      if (t - all.get(base).epochMillis() < windowMillis) {
        continue;
      }
      Point p = Signals.between(all.get(base), all.get(i), route);
      if (p != null) {
        points.add(p);
      }
    }
    return points;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    http.close();
  }
}
