package dev.updraft.mesh.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A value that goes up and down, such as open connections. */
public final class Gauge {
  private final LongAdder value = new LongAdder();

  public void inc() {
    value.increment();
  }

  public void dec() {
    value.decrement();
  }

  public void add(long delta) {
    value.add(delta);
  }

  public long get() {
    return value.sum();
  }
}
