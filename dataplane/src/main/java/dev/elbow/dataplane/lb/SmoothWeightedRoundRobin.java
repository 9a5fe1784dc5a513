package dev.elbow.dataplane.lb;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin, as in NGINX: over every cycle of {@code sum(weights)} picks each
 * member is chosen exactly {@code weight} times, and heavy members are spread out instead of picked
 * in bursts (weights 5,1,1 give a a b a c a a, not a a a a a b c).
 *
 * <p>The cycle is computed once, when the set of members changes, so a pick is one atomic increment
 * and an array read: no lock and no allocation, from any number of threads.
 */
public final class SmoothWeightedRoundRobin {

  private final int[] cycle;
  private final int choices;
  private final AtomicLong position = new AtomicLong();

  private SmoothWeightedRoundRobin(int[] cycle, int choices) {
    this.cycle = cycle;
    this.choices = choices;
  }

  /**
   * A picker over members with these weights; index {@code i} of the result of {@link #next()}
   * refers to {@code weights[i]}. Members of weight 0 are never picked.
   */
  public static SmoothWeightedRoundRobin of(int[] weights) {
    int divisor = 0;
    int choices = 0;
    for (int w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("weights must not be negative");
      }
      if (w > 0) {
        divisor = gcd(divisor, w);
        choices++;
      }
    }
    if (choices == 0) {
      return new SmoothWeightedRoundRobin(new int[0], 0);
    }
    // Dividing by the common divisor keeps the cycle short: weights 10,20,30 behave as 1,2,3.
    int[] reduced = new int[weights.length];
    int total = 0;
    for (int i = 0; i < weights.length; i++) {
      reduced[i] = weights[i] / divisor;
      total += reduced[i];
    }
    int[] cycle = new int[total];
    int[] current = new int[weights.length];
    for (int step = 0; step < total; step++) {
      int best = -1;
      for (int i = 0; i < reduced.length; i++) {
        current[i] += reduced[i];
        if (reduced[i] > 0 && (best < 0 || current[i] > current[best])) {
          best = i;
        }
      }
      current[best] -= total;
      cycle[step] = best;
    }
    return new SmoothWeightedRoundRobin(cycle, choices);
  }

  /** The next member's index, or -1 when no member has a weight. */
  public int next() {
    if (cycle.length == 0) {
      return -1;
    }
    return cycle[(int) Long.remainderUnsigned(position.getAndIncrement(), cycle.length)];
  }

  /**
   * The next member's index other than {@code avoid}, for a retry after {@code avoid} failed; -1
   * when no other member has a weight.
   */
  public int nextOtherThan(int avoid) {
    if (choices < 2) {
      return choices == 1 && cycle[0] != avoid ? cycle[0] : -1;
    }
    // Some other member appears within one cycle, so this loop ends.
    while (true) {
      int pick = next();
      if (pick != avoid) {
        return pick;
      }
    }
  }

  /** How many members can be picked. */
  public int choices() {
    return choices;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
