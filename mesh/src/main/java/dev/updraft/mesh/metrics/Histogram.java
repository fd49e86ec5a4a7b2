package dev.updraft.mesh.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A latency histogram with fixed upper bounds in milliseconds (Prometheus cumulative buckets). */
public final class Histogram {
  /** Linkerd's response_latency_ms buckets (linkerd/metrics/src/latency.rs). */
  @SuppressWarnings("MutablePublicArray") // read by the metrics families, never written
  public static final long[] LATENCY_MS_BOUNDS = {
    1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000,
    20000, 30000, 40000, 50000
  };

  private final long[] boundsMicros;
  private final LongAdder[] counts;
  private final LongAdder sumMicros = new LongAdder();

  Histogram(long[] boundsMillis) {
    this.boundsMicros = new long[boundsMillis.length];
    for (int i = 0; i < boundsMillis.length; i++) {
      boundsMicros[i] = boundsMillis[i] * 1000;
    }
    this.counts = new LongAdder[boundsMillis.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Records one observation of {@code nanos}. */
  public void observeNanos(long nanos) {
    long micros = Math.max(0, nanos / 1000);
    int i = 0;
    while (i < boundsMicros.length && micros > boundsMicros[i]) {
      i++;
    }
    counts[i].increment();
    sumMicros.add(micros);
  }

  long[] cumulative() {
    long[] result = new long[counts.length];
    long running = 0;
    for (int i = 0; i < counts.length; i++) {
      running += counts[i].sum();
      result[i] = running;
    }
    return result;
  }

  long[] bounds() {
    long[] millis = new long[boundsMicros.length];
    for (int i = 0; i < millis.length; i++) {
      millis[i] = boundsMicros[i] / 1000;
    }
    return millis;
  }

  double sumMillis() {
    return sumMicros.sum() / 1000.0;
  }
}
