package dev.updraft.deploy.spec;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

  // Parsed once per schedule text: the supervisor asks for the next run on every status request.
  private static final Map<String, ExecutionTime> PARSED = new ConcurrentHashMap<>();

  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

  public Cron {
    if (text == null || zone == null) {
      throw new IllegalArgumentException("a schedule and a time zone");
    }
    // Fails with the reason when the schedule is malformed or never fires; a failure is not kept.
    PARSED.computeIfAbsent(text, Cron::executionTime);
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
    // A CronJob's timeZone is looked up in the IANA database (Go's time.LoadLocation), which has
    // no offsets: java.time also takes "+02:00", "UTC+1", "UT" and "Z", the API server refuses
    // them. The SystemV/ names left that database in 2020 but are still in java.time's.
    if (!ZoneId.getAvailableZoneIds().contains(name) || name.startsWith("SystemV/")) {
      throw new IllegalArgumentException("unknown time zone " + name);
    }
    return ZoneId.of(name);
  }

  /** The first time the schedule fires strictly after {@code after}. */
  public ZonedDateTime next(ZonedDateTime after) {
    return PARSED
        .get(text)
        .nextExecution(after.withZoneSameInstant(zone))
        .orElseThrow(() -> new IllegalStateException(text + " never fires"));
  }

  /** The last time the schedule fired strictly before {@code before}, if it ever did. */
  public Optional<ZonedDateTime> previous(ZonedDateTime before) {
    return PARSED.get(text).lastExecution(before.withZoneSameInstant(zone));
  }

  private static ExecutionTime executionTime(String text) {
    String fields = NICKNAMES.getOrDefault(text.trim(), text.trim());
    if (fields.startsWith("@")) {
      throw new IllegalArgumentException(
          "unknown nickname " + fields + " (known: " + String.join(", ", nicknames()) + ")");
    }
    String[] parts = fields.split("\\s+");
    if (parts.length == 5) {
      parts[4] = daysOfWeek(parts[4]);
      fields = String.join(" ", parts);
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

  /**
   * The day-of-week field as Kubernetes' cron (robfig/cron) reads it: 0-6 or SUN-SAT, Sunday 0.
   * cron-utils, like Vixie cron, also takes 7 for Sunday and numbers SUN 7, so "0 3 * * 7" and
   * "MON-SUN" would pass here and be refused by the API server; names become robfig's numbers.
   */
  private static String daysOfWeek(String field) {
    List<String> parts = new ArrayList<>();
    for (String part : field.split(",", -1)) {
      String[] stepped = part.split("/", 2);
      String[] ends = stepped[0].split("-", 2);
      int first = day(ends[0]);
      int last = ends.length == 2 ? day(ends[1]) : first;
      if (first > 6 || last > 6) {
        throw new IllegalArgumentException(
            "day of week " + part + ": Kubernetes reads 0-6 or SUN-SAT, Sunday being 0, not 7");
      }
      if (first > last && last >= 0) {
        throw new IllegalArgumentException(
            "day of week "
                + part
                + ": a range runs from an earlier to a later day of 0-6 (SUN-SAT): Sunday is 0");
      }
      String range =
          ends.length == 2
              ? number(ends[0], first) + "-" + number(ends[1], last)
              : number(ends[0], first);
      parts.add(stepped.length == 2 ? range + "/" + stepped[1] : range);
    }
    return String.join(",", parts);
  }

  private static String number(String text, int day) {
    return day < 0 ? text : Integer.toString(day);
  }

  /** A day of week as robfig/cron numbers it; -1 for what is no day (*, ?, a typo). */
  private static int day(String text) {
    int named = DAYS.indexOf(text.toLowerCase(Locale.ROOT));
    if (named >= 0) {
      return named;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String reason(String message) {
    if (message == null) {
      return "not a cron schedule";
    }
    // cron-utils says "Failed to parse cron expression. Value 61 not in range [0, 59]".
    return message.replace("Failed to parse cron expression. ", "").replace("!", "");
  }

  private static List<String> nicknames() {
    return NICKNAMES.keySet().stream().sorted().toList();
  }
}
