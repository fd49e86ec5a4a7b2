package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalTest {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  @Test
  void renewsAtSeventyPercentOfWhatRemains() {
    assertThat(Renewal.DEFAULT.refreshIn(NOW, NOW.plus(Duration.ofHours(24))))
        .isEqualTo(Duration.ofMinutes(24 * 60 * 70 / 100));
    assertThat(Renewal.DEFAULT.refreshIn(NOW, NOW.plusSeconds(100)))
        .isEqualTo(Duration.ofSeconds(70));
  }

  @Test
  void clampsToItsBounds() {
    assertThat(Renewal.DEFAULT.refreshIn(NOW, NOW.plusSeconds(5)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(Renewal.DEFAULT.refreshIn(NOW, NOW.minusSeconds(5)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(Renewal.DEFAULT.refreshIn(NOW, NOW.plus(Duration.ofDays(30))))
        .isEqualTo(Duration.ofHours(24));
  }
}
