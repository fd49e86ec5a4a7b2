package dev.updraft.deploy.spec;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * A cron schedule as Kubernetes CronJobs read it: five fields (minute, hour, day of month, month,
 * day of week; a day matches when either day field does, as in Vixie cron) or one of the nicknames,
 * evaluated in a time zone. Parsing and the calendar arithmetic, daylight saving included, are
 * cron-utils'.
 *
 * @param text the schedule as written
 * @param zone where it is evaluated
 */
public record Cron(String text, ZoneId zone) {
  private static final CronDefinition UNIX =
      CronDefinitionBuilder.instanceDefinitionFor(com.cronutils.model.CronType.UNIX);
  // The nicknames Kubernetes (robfig/cron) accepts; cron-utils' UNIX definition has none.
  private static final Map<String, String> NICKNAMES =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  public Cron {
    if (text == null || zone == null) {
      throw new IllegalArgumentException("a schedule and a time zone");
    }
    executionTime(text); // fails with the reason when the schedule is malformed or never fires
  }

  /** Parses a schedule; the message of the exception says what is wrong with it. */
  public static Cron parse(String text, String zone) {
    return new Cron(text, zone(zone));
  }

  /** The zone named (an IANA name such as Europe/Paris), or this machine's when null. */
  public static ZoneId zone(String name) {
    if (name == null) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone " + name);
    }
  }

  /** The first time the schedule fires strictly after {@code after}. */
  public ZonedDateTime next(ZonedDateTime after) {
    return executionTime(text)
        .nextExecution(after.withZoneSameInstant(zone))
        .orElseThrow(() -> new IllegalStateException(text + " never fires"));
  }

  /** The last time the schedule fired strictly before {@code before}, if it ever did. */
  public Optional<ZonedDateTime> previous(ZonedDateTime before) {
    return executionTime(text).lastExecution(before.withZoneSameInstant(zone));
  }

  private static ExecutionTime executionTime(String text) {
    String fields = NICKNAMES.getOrDefault(text.trim(), text.trim());
    if (fields.startsWith("@")) {
      throw new IllegalArgumentException(
          "unknown nickname " + fields + " (known: " + String.join(", ", nicknames()) + ")");
    }
    ExecutionTime time;
    try {
      time = ExecutionTime.forCron(new CronParser(UNIX).parse(fields).validate());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(reason(e.getMessage()));
    }
    // "0 0 31 2 *" parses but never comes: a schedule that never fires is a mistake.
    ZonedDateTime now = ZonedDateTime.now(ZoneId.of("UTC"));
    if (time.nextExecution(now).isEmpty()) {
      throw new IllegalArgumentException("it never fires");
    }
    return time;
  }

  private static String reason(String message) {
    if (message == null) {
      return "not a cron schedule";
    }
    // cron-utils says "Failed to parse cron expression. Value 61 not in range [0, 59]".
    return message.replace("Failed to parse cron expression. ", "").replace("!", "");
  }

  private static java.util.List<String> nicknames() {
    return NICKNAMES.keySet().stream().sorted().toList();
  }
}
