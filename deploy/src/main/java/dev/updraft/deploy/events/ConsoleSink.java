package dev.updraft.deploy.events;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Human output: one line per service state change with its elapsed time, and a recap at the end
 * listing each service's final state.
 */
public final class ConsoleSink implements EventSink {
  private final PrintWriter out;
  private final Redactor redactor;
  private final Map<String, String> last = new LinkedHashMap<>();

  public ConsoleSink(PrintWriter out, Redactor redactor) {
    this.out = out;
    this.redactor = redactor;
  }

  @Override
  public synchronized void emit(Event event) {
    switch (event) {
      case Event.Stage s -> out.println(redactor.redact(s.message()));
      case Event.StepEvent s -> {
        String line =
            String.format(
                Locale.ROOT,
                "  %-14s %-10s %-12s %s  %s",
                s.service(),
                s.step(),
                s.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                seconds(s.elapsedMillis()),
                s.message() == null ? "" : s.message());
        out.println(redactor.redact(line.stripTrailing()));
        if (s.outcome() != Event.Outcome.PROGRESS) {
          last.put(
              s.service(), s.outcome().name().toLowerCase(Locale.ROOT) + " (" + s.step() + ")");
        }
      }
      case Event.Finished f -> {
        if (!last.isEmpty()) {
          out.println("recap:");
          last.forEach((service, state) -> out.printf(Locale.ROOT, "  %-14s %s%n", service, state));
        }
        out.println(
            redactor.redact((f.success() ? "done: " : "failed: ") + f.message())
                + " in "
                + seconds(f.elapsedMillis()).strip());
        last.clear();
      }
    }
    out.flush();
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%5.1fs", millis / 1000.0);
  }
}
