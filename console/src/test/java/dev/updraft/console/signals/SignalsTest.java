package dev.updraft.console.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SignalsTest {
  private static final Snapshot.Route FRONT = new Snapshot.Route("front-", "web");

  @Test
  void theExpositionIsReadWithLabelsEscapesAndComments() {
    List<Exposition.Sample> samples =
        Exposition.parse(
            """
            # HELP response_total Total count of HTTP responses.
            # TYPE response_total counter
            response_total{direction="inbound",target_addr="web",route="a\\"b",classification="success"} 7
            process_start_time_seconds 1.7e9
            broken{label="x" 1
            """);
    assertThat(samples).hasSize(2);
    assertThat(samples.getFirst().label("route")).isEqualTo("a\"b");
    assertThat(samples.getFirst().value()).isEqualTo(7);
    assertThat(samples.get(1).labels()).isEmpty();
  }

  @Test
  void successRateRateAndQuantilesComeFromTheDifferenceOfTwoScrapes() {
    Snapshot before = Snapshot.of(0, Exposition.parse(scrape(100, 100, new long[] {50, 100, 100})));
    Snapshot after =
        Snapshot.of(10_000, Exposition.parse(scrape(200, 150, new long[] {100, 180, 200})));
    Point p = Signals.between(before, after, FRONT);

    assertThat(p.rps()).isEqualTo(10.0); // 100 responses in 10 s
    assertThat(p.successRate()).isEqualTo(0.5);
    // Of the 100 new responses, 50 took <= 1 ms, 30 more <= 10 ms, 20 more <= 100 ms.
    assertThat(p.p50()).isCloseTo(1.0, within(1e-9));
    assertThat(p.p95()).isCloseTo(10 + 90 * 15 / 20.0, within(1e-9));
    assertThat(Signals.between(before, after, new Snapshot.Route("other", "x"))).isNull();
    assertThat(FRONT.concerns("web")).isTrue();
    assertThat(FRONT.concerns("front")).isTrue();
    assertThat(FRONT.concerns("we")).isFalse();
  }

  @Test
  void quantilesOfNothingAreUnknown() {
    assertThat(Signals.quantile(0.5, new TreeMap<>())).isNaN();
    TreeMap<Double, Double> none = new TreeMap<>();
    none.put(1.0, 0.0);
    none.put(Double.POSITIVE_INFINITY, 0.0);
    assertThat(Signals.quantile(0.5, none)).isNaN();
  }

  @Test
  void theSamplerChartsEachWindowAndForgetsWhatIsOlderThanItsHistory() {
    try (Sampler sampler =
        new Sampler(() -> 0, java.time.Duration.ofHours(1), java.time.Duration.ofSeconds(5))) {
      long t0 = 1_000_000;
      sampler.add(Snapshot.of(t0, Exposition.parse(scrape(0, 0, new long[] {0, 0, 0}))));
      sampler.add(
          Snapshot.of(t0 + 2_000, Exposition.parse(scrape(10, 10, new long[] {10, 10, 10}))));
      sampler.add(
          Snapshot.of(t0 + 5_000, Exposition.parse(scrape(50, 40, new long[] {50, 50, 50}))));
      assertThat(sampler.routes()).containsExactly(FRONT);
      List<Point> points = sampler.series(FRONT);
      assertThat(points).hasSize(1);
      assertThat(points.getFirst().successRate()).isEqualTo(0.8);
      assertThat(points.getFirst().rps()).isEqualTo(10.0);

      sampler.add(
          Snapshot.of(
              t0 + Sampler.HISTORY.toMillis() + 60_000,
              Exposition.parse(scrape(60, 50, new long[] {60, 60, 60}))));
      assertThat(sampler.series(FRONT)).isEmpty(); // nothing within a window of it is left
    }
  }

  /** A router's metrics: responses, successes, and cumulative buckets at 1, 10 and 100 ms. */
  private static String scrape(long responses, long successes, long[] buckets) {
    String labels = "direction=\"inbound\",target_addr=\"web\",route=\"front-\"";
    return """
        response_total{%1$s,status_code="200",classification="success",error=""} %2$d
        response_total{%1$s,status_code="500",classification="failure",error=""} %3$d
        response_latency_ms_bucket{%1$s,status_code="200",le="1"} %4$d
        response_latency_ms_bucket{%1$s,status_code="200",le="10"} %5$d
        response_latency_ms_bucket{%1$s,status_code="200",le="100"} %6$d
        response_latency_ms_bucket{%1$s,status_code="200",le="+Inf"} %6$d
        """
        .formatted(labels, successes, responses - successes, buckets[0], buckets[1], buckets[2]);
  }
}
