package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.Deployment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The Warning events of one rollout, de-duplicated: each distinct reason and message is reported
 * once as it first appears (pod names and ids taken out, so ten pods failing the same probe are one
 * warning), and counted, so that a failure ends with a recap such as {@code Unhealthy: Readiness
 * probe failed: HTTP probe failed with statuscode: 500 (x12)}.
 */
final class Warnings {
  private final String service;
  private final Deployment release;
  private final Instant since;
  private final Predicate<ObjectReference> concerns;
  private final Set<String> reported;

  /** Distinct warning to (event uid to its count). */
  private final Map<String, Map<String, Integer>> seen = new LinkedHashMap<>();

  /**
   * @param since events older than this belong to earlier rollouts (null: take all)
   * @param concerns whether an event's object is one of this rollout's
   * @param reported the warnings reported so far in this run, by service (a rollback of a service
   *     does not report again what its failed rollout did)
   */
  Warnings(
      String service,
      Deployment release,
      Instant since,
      Predicate<ObjectReference> concerns,
      Set<String> reported) {
    this.service = service;
    this.release = release;
    this.since = since;
    this.concerns = concerns;
    this.reported = reported;
  }

  void onEvent(Event event) {
    ObjectReference object = event.getInvolvedObject();
    if (!"Warning".equals(event.getType()) || object == null || object.getName() == null) {
      return;
    }
    Instant time = time(event);
    if (since != null && time != null && time.isBefore(since.minusSeconds(1))) {
      return;
    }
    if (!concerns.test(object)) {
      return;
    }
    String message = event.getMessage() == null ? "" : event.getMessage();
    message =
        message.replace(object.getName(), "<" + object.getKind().toLowerCase(Locale.ROOT) + ">");
    if (object.getUid() != null) {
      message = message.replace(object.getUid(), "");
    }
    String key = event.getReason() + ": " + message;
    int count = count(event);
    String uid =
        event.getMetadata() == null || event.getMetadata().getUid() == null
            ? key
            : event.getMetadata().getUid();
    int total;
    synchronized (this) {
      Map<String, Integer> counts = seen.computeIfAbsent(key, k -> new LinkedHashMap<>());
      counts.merge(uid, count, Math::max);
      total = counts.values().stream().mapToInt(Integer::intValue).sum();
    }
    if (reported.add(service + "\n" + key)) {
      release.emit(
          new dev.updraft.deploy.events.Event.Warning(
              release.elapsedMillis(),
              service,
              object.getKind() + "/" + object.getName(),
              event.getReason(),
              message,
              total));
    }
  }

  /** Every distinct warning with how often it was seen, one per line; empty if none. */
  synchronized String recap() {
    StringBuilder out = new StringBuilder();
    seen.forEach(
        (key, counts) -> {
          int total = counts.values().stream().mapToInt(Integer::intValue).sum();
          out.append(key).append(total > 1 ? " (x" + total + ")" : "").append('\n');
        });
    return out.toString().strip();
  }

  synchronized int distinct() {
    return seen.size();
  }

  private static int count(Event event) {
    if (event.getSeries() != null && event.getSeries().getCount() != null) {
      return event.getSeries().getCount();
    }
    return event.getCount() == null ? 1 : Math.max(1, event.getCount());
  }

  private static Instant time(Event event) {
    String text =
        event.getLastTimestamp() != null
            ? event.getLastTimestamp()
            : event.getEventTime() != null
                ? event.getEventTime().getTime()
                : event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp();
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null; // an unreadable time does not hide a warning
    }
  }
}
