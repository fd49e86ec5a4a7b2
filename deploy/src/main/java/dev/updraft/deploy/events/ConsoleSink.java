package dev.updraft.deploy.events;

import dev.updraft.deploy.journal.StepOutcome;
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
        line(
            s,
            s.service(),
            s.step(),
            s.outcome().word().replace('_', ' '),
            s.message() == null ? "" : s.message());
        if (s.outcome() != StepOutcome.PROGRESS) {
          last.put(s.service(), s.outcome().word() + " (" + s.step() + ")");
        }
      }
      case Event.Pods p ->
          line(
              p,
              p.service(),
              "pods",
              "progress",
              "new "
                  + p.updated()
                  + "/"
                  + p.desired()
                  + " ("
                  + p.ready()
                  + " ready), old "
                  + p.old());
      case Event.ContainerExit e ->
          line(
              e,
              e.service(),
              "exit",
              "progress",
              e.pod()
                  + (e.restarts() > 0 ? " restarted " + e.restarts() + "x: " : ": ")
                  + e.meaning()
                  + (e.reason() == null ? "" : " [" + e.reason() + "]"));
      case Event.Warning w ->
          line(
              w,
              w.service(),
              "warning",
              w.count() > 1 ? "x" + w.count() : "progress",
              w.object() + " " + w.reason() + ": " + w.message());
      case Event.Image i ->
          line(
              i,
              i.service(),
              "image",
              i.built() ? "pushed" : "present",
              i.image()
                  + "@"
                  + i.digest()
                  + (i.built()
                      ? String.format(
                          Locale.ROOT,
                          " (layers: %d pushed, %s; %d present)",
                          i.layersPushed(),
                          size(i.bytesPushed()),
                          i.layersPresent())
                      : " (in the registry already)")
                  + " in "
                  + seconds(i.millis()).strip());
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

  private void line(Event event, String service, String step, String state, String message) {
    String line =
        String.format(
            Locale.ROOT,
            "  %-14s %-10s %-12s %s  %s",
            service,
            step,
            state,
            seconds(event.elapsedMillis()),
            message);
    out.println(redactor.redact(line.stripTrailing()));
  }

  private static String size(long bytes) {
    return bytes < 1024 * 1024
        ? String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0)
        : String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%5.1fs", millis / 1000.0);
  }
}
