package dev.updraft.deploy.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SinceTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void readsDurationsBackFromNowAndTimes() {
    assertThat(Since.parse("10m", NOW, ZoneOffset.UTC)).isEqualTo("2026-12-07T11:50:00Z");
    assertThat(Since.parse("1h30m", NOW, ZoneOffset.UTC)).isEqualTo("2026-12-07T10:30:00Z");
    assertThat(Since.parse("2d", NOW, ZoneOffset.UTC)).isEqualTo("2026-12-05T12:00:00Z");
    assertThat(Since.parse("2026-12-07T10:00:00Z", NOW, ZoneOffset.UTC))
        .isEqualTo("2026-12-07T10:00:00Z");
    assertThat(Since.parse("2026-12-07T11:00:00+01:00", NOW, ZoneOffset.UTC))
        .isEqualTo("2026-12-07T10:00:00Z");
    assertThat(Since.parse("2026-12-07T10:00:00", NOW, ZoneOffset.ofHours(2)))
        .isEqualTo("2026-12-07T08:00:00Z");
  }

  @Test
  void namesTheOptionTheValueAndTheExpectedForms() {
    assertThatThrownBy(() -> Since.parse("yesterday", NOW, ZoneOffset.UTC))
        .hasMessage("--since: yesterday (expected: " + Since.EXPECTED + ")");
    assertThatThrownBy(() -> Since.parse("", NOW, ZoneOffset.UTC))
        .hasMessageStartingWith("--since:  (expected");
  }
}
