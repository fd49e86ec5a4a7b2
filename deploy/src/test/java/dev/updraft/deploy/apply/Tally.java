package dev.updraft.deploy.apply;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a {@link Load}'s clients got: each answer as "status body", a 200 counted as an answer and
 * anything else, an exception included, as a failure, so a test can print every failed request.
 */
final class Tally {
  private final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  /** A request that records {@code call}'s "status ..." answer, or its exception, here. */
  Load.Request of(Callable<String> call) {
    return () -> {
      try {
        String answer = call.call();
        (answer.startsWith("200 ") ? answers : failures).add(answer);
      } catch (Exception e) {
        failures.add(e.toString());
      }
    };
  }

  /** {@code GET /} on {@code port}, recorded here. */
  Load.Request get(int port) {
    return of(
        () -> {
          HttpResponse<String> r = Shops.get(port, "/");
          return r.statusCode() + " " + r.body();
        });
  }

  List<String> answers() {
    return List.copyOf(answers);
  }

  List<String> failures() {
    return List.copyOf(failures);
  }
}
