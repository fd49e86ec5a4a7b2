package dev.updraft.mesh.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PeakEwmaTest {
  private static final long MS = 1_000_000L;
  private static final long DECAY = 10_000 * MS;

  @Test
  void jumpsToPeaksAndDecaysTowardsFasterSamples() {
    PeakEwma ewma = new PeakEwma(30 * MS, DECAY, 0);
    ewma.observe(200 * MS, 0);
    assertThat(ewma.estimateNanos()).isEqualTo(200.0 * MS);
    ewma.observe(10 * MS, 10_000 * MS); // one decay period later: weight e^-1
    double w = Math.exp(-1);
    assertThat(ewma.estimateNanos()).isCloseTo(200 * MS * w + 10 * MS * (1 - w), within(1.0));
  }

  @Test
  void loadGrowsWithRequestsInFlight() {
    PeakEwma ewma = new PeakEwma(30 * MS, DECAY, 0);
    assertThat(ewma.load(0, 0)).isEqualTo(30.0 * MS);
    assertThat(ewma.load(3, 0)).isEqualTo(120.0 * MS);
  }
}
