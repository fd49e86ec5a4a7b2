package dev.updraft.mesh.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks one of several targets at random in proportion to their weights: Linkerd's RandomAvailable
 * distribution for traffic splits between backends.
 */
public final class WeightedChoice<T> {
  private final List<T> targets;
  private final int[] cumulative;
  private final int total;

  public WeightedChoice(List<T> targets, List<Integer> weights) {
    if (targets.size() != weights.size() || targets.isEmpty()) {
      throw new IllegalArgumentException(
          "targets: " + targets.size() + ", weights: " + weights.size() + " (expected: same, > 0)");
    }
    this.targets = List.copyOf(targets);
    this.cumulative = new int[weights.size()];
    int sum = 0;
    for (int i = 0; i < weights.size(); i++) {
      sum += weights.get(i);
      cumulative[i] = sum;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("weights: " + weights + " (expected: a positive sum)");
    }
    this.total = sum;
  }

  public T pick(RandomGenerator random) {
    if (targets.size() == 1) {
      return targets.get(0);
    }
    int r = random.nextInt(total);
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return targets.get(i);
      }
    }
    return targets.get(targets.size() - 1);
  }

  public List<T> targets() {
    return targets;
  }
}
