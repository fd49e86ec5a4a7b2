package dev.updraft.deploy.apply;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients that keep sending {@code GET /} to a port until stopped, as users do during a release:
 * each answer is recorded as "status body", and anything but a 200 (or an exception) as a failure.
 */
final class Load {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final List<Future<?>> loops = new ArrayList<>();

  /** {@code clients} HTTP clients (keep-alive) sending {@code GET /} to {@code port}. */
  static Load start(int port, int clients) {
    Load load = new Load();
    for (int i = 0; i < clients; i++) {
      load.add(
          () -> {
            HttpResponse<String> r = Shops.get(port, "/");
            return r.statusCode() + " " + r.body();
          });
    }
    return load;
  }

  /** One more client; {@code request} returns "status ..." and a 200 is an answer. */
  void add(Callable<String> request) {
    loops.add(
        clients.submit(
            () -> {
              while (running.get()) {
                try {
                  String answer = request.call();
                  (answer.startsWith("200 ") ? answers : failures).add(answer);
                } catch (Exception e) {
                  failures.add(e.toString());
                }
              }
              return null;
            }));
  }

  /** Stops the clients after their current request. */
  void stop() throws Exception {
    running.set(false);
    for (Future<?> f : loops) {
      f.get();
    }
    clients.shutdown();
  }

  List<String> answers() {
    return List.copyOf(answers);
  }

  List<String> failures() {
    return List.copyOf(failures);
  }
}
