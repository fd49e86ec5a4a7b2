package dev.updraft.mesh.resilience;

import dev.updraft.mesh.config.BudgetConfig;
import java.util.function.LongSupplier;

/**
 * Tower's TpsBudget as Linkerd's ServiceProfiles use it: every request deposits, every retry
 * withdraws, and retries are allowed while those in the last {@code ttl} stay below {@code
 * minPerSecond * ttl + ratio * requests}. The window is ten slots wide so old traffic expires
 * gradually.
 */
public final class RetryBudget {
  private static final int SLOTS = 10;

  private final double ratio;
  private final long reserve;
  private final long slotNanos;
  private final LongSupplier clock;
  private final long[] deposits = new long[SLOTS];
  private final long[] withdrawals = new long[SLOTS];
  private long currentSlot;

  public RetryBudget(BudgetConfig config, LongSupplier clock) {
    this.ratio = config.ratio();
    this.reserve = (long) config.minPerSecond() * config.ttl().toSeconds();
    this.slotNanos = config.ttl().toNanos() / SLOTS;
    this.clock = clock;
    this.currentSlot = clock.getAsLong() / slotNanos;
  }

  /** A request was sent: it earns retries for later. */
  public synchronized void deposit() {
    advance();
    deposits[(int) (currentSlot % SLOTS)]++;
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  public synchronized boolean withdraw() {
    if (remaining() == 0) {
      return false;
    }
    withdrawals[(int) (currentSlot % SLOTS)]++;
    return true;
  }

  /** The retries the budget allows now: what {@link #withdraw()} would grant in a row. */
  public synchronized long remaining() {
    advance();
    long deposited = 0;
    long withdrawn = 0;
    for (int i = 0; i < SLOTS; i++) {
      deposited += deposits[i];
      withdrawn += withdrawals[i];
    }
    long allowed = reserve + (long) (ratio * deposited) - withdrawn;
    return Math.max(0, allowed);
  }

  private void advance() {
    long slot = clock.getAsLong() / slotNanos;
    long steps = Math.min(SLOTS, slot - currentSlot);
    for (long i = 1; i <= steps; i++) {
      int index = (int) ((currentSlot + i) % SLOTS);
      deposits[index] = 0;
      withdrawals[index] = 0;
    }
    currentSlot = Math.max(currentSlot, slot);
  }
}
