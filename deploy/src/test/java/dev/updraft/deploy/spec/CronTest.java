package dev.updraft.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static ZonedDateTime paris(int month, int day, int hour, int minute) {
    return ZonedDateTime.of(2026, month, day, hour, minute, 0, 0, PARIS);
  }

  @Test
  void nextAndPreviousFollowTheFiveFields() {
    Cron cron = Cron.parse("*/15 9-17 * * MON-FRI", "Europe/Paris");
    // Tuesday 1 December 2026, 17:50: the next quarter inside office hours is Wednesday 09:00.
    assertThat(cron.next(paris(12, 1, 17, 50))).isEqualTo(paris(12, 2, 9, 0));
    assertThat(cron.previous(paris(12, 1, 17, 50))).contains(paris(12, 1, 17, 45));
    // Strictly after: a time the schedule names is not its own next.
    assertThat(cron.next(paris(12, 2, 9, 0))).isEqualTo(paris(12, 2, 9, 15));
  }

  @Test
  void eitherDayFieldMatchesAsInVixieCron() {
    Cron cron = Cron.parse("0 0 13 * 5", "UTC");
    ZonedDateTime from = ZonedDateTime.of(2026, 12, 1, 0, 0, 0, 0, ZoneId.of("UTC"));
    assertThat(cron.next(from).getDayOfMonth()).isEqualTo(4); // Friday 4th before the 13th
    assertThat(cron.next(cron.next(cron.next(from))).getDayOfMonth()).isEqualTo(13);
  }

  @Test
  void nicknamesAreThoseKubernetesAccepts() {
    assertThat(Cron.parse("@hourly", "UTC").next(ZonedDateTime.parse("2026-12-01T10:20:00Z")))
        .isEqualTo(ZonedDateTime.parse("2026-12-01T11:00:00Z"));
    assertThat(Cron.parse("@weekly", "UTC").next(ZonedDateTime.parse("2026-12-01T10:20:00Z")))
        .isEqualTo(ZonedDateTime.parse("2026-12-06T00:00:00Z")); // Sunday
    assertThatThrownBy(() -> Cron.parse("@often", "UTC"))
        .hasMessageContaining("unknown nickname @often")
        .hasMessageContaining("@daily");
  }

  @Test
  void theZoneDecidesWhenAndDaylightSavingIsKept() {
    Cron cron = Cron.parse("30 2 * * *", "Europe/Paris");
    // 29 March 2026: clocks jump from 02:00 to 03:00 in Paris, so 02:30 does not exist that day.
    ZonedDateTime before = paris(3, 28, 12, 0);
    ZonedDateTime next = cron.next(before);
    assertThat(next.toLocalDate().getDayOfMonth()).isIn(29, 30);
    assertThat(cron.next(next).toLocalTime().toString()).isEqualTo("02:30");
    assertThat(Cron.parse("0 9 * * *", "UTC").next(paris(12, 1, 9, 30)))
        .isEqualTo(ZonedDateTime.parse("2026-12-01T09:00:00Z[UTC]")); // 09:30 in Paris is 08:30 UTC
  }

  @Test
  void mistakesSayWhatIsWrong() {
    assertThatThrownBy(() -> Cron.parse("61 * * * *", "UTC"))
        .hasMessageContaining("Value 61 not in range [0, 59]");
    assertThatThrownBy(() -> Cron.parse("* * * *", "UTC")).hasMessageContaining("4 parts");
    assertThatThrownBy(() -> Cron.parse("0 0 31 2 *", "UTC")).hasMessage("it never fires");
    assertThatThrownBy(() -> Cron.parse("* * * * *", "Mars/Olympus"))
        .hasMessage("unknown time zone Mars/Olympus");
  }

  @Test
  void daysOfWeekAreKubernetes0To6() {
    assertThat(Cron.parse("0 3 * * SUN-SAT", "UTC").text()).isEqualTo("0 3 * * SUN-SAT");
    assertThat(Cron.parse("0 3 * * 0,6", "UTC").text()).isEqualTo("0 3 * * 0,6");
    assertThat(Cron.parse("0 3 * * 1-5/2", "UTC").text()).isEqualTo("0 3 * * 1-5/2");
    // Vixie cron and cron-utils read 7 as Sunday; the API server refuses it.
    assertThatThrownBy(() -> Cron.parse("0 3 * * 7", "UTC"))
        .hasMessage("day of week 7: Kubernetes reads 0-6 or SUN-SAT, Sunday being 0, not 7");
    assertThatThrownBy(() -> Cron.parse("0 3 * * 1,5-7", "UTC")).hasMessageContaining("5-7");
    assertThatThrownBy(() -> Cron.parse("0 3 * * MON-SUN", "UTC"))
        .hasMessageContaining("day of week MON-SUN: a range runs from an earlier to a later day");
  }

  @Test
  void zonesAreIanaNamesAsCronJobsNeedThem() {
    assertThat(Cron.zone("Europe/Paris")).isEqualTo(PARIS);
    assertThat(Cron.zone("UTC").getId()).isEqualTo("UTC");
    assertThat(Cron.zone("Etc/GMT+2").getId()).isEqualTo("Etc/GMT+2");
    // java.time takes offsets and prefixed offsets; a CronJob's timeZone does not.
    for (String offset : new String[] {"+02:00", "+02", "Z", "UT", "UTC+1", "GMT+2", "Local"}) {
      assertThatThrownBy(() -> Cron.zone(offset)).hasMessage("unknown time zone " + offset);
    }
    assertThatThrownBy(() -> Cron.zone("SystemV/AST4"))
        .hasMessage("unknown time zone SystemV/AST4");
  }
}
