package dev.elbow.dataplane.lb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted least connections: the member with the lowest {@code active / weight}, where active is
 * what the member has in progress in this data plane (open connections, UDP flows or in-flight
 * requests). Ties go round robin: each pick starts its scan one member further on, and the first of
 * the tied members from there wins.
 *
 * <p>Ratios are compared by cross-multiplying, so a pick is one pass over the members with no
 * division and no allocation. The counts are read live, through {@link ActiveCounts}; a pick races
 * with connections opening and closing on other threads, which only makes it as exact as the moment
 * it looked, as in every proxy.
 */
public final class LeastConnections {

  /** What each member has in progress now, by the index of its weight. */
  @FunctionalInterface
  public interface ActiveCounts {
    int active(int index);
  }

  private final int[] weights;
  private final int choices;
  private final AtomicInteger start = new AtomicInteger();

  /** A picker over members with these weights; members of weight 0 are never picked. */
  public LeastConnections(int[] weights) {
    int positive = 0;
    for (int w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("weights must not be negative");
      }
      if (w > 0) {
        positive++;
      }
    }
    this.weights = weights.clone();
    this.choices = positive;
  }

  /** The index of the least loaded member, or -1 when no member has a weight. */
  public int pick(ActiveCounts counts) {
    return pickOtherThan(-1, counts);
  }

  /** As {@link #pick}, never choosing {@code avoid}; -1 when there is no other member. */
  public int pickOtherThan(int avoid, ActiveCounts counts) {
    int n = weights.length;
    if (choices == 0 || n == 0) {
      return -1;
    }
    int i = (start.getAndIncrement() & Integer.MAX_VALUE) % n;
    int best = -1;
    long bestActive = 0;
    long bestWeight = 1;
    for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      int weight = weights[i];
      if (weight <= 0 || i == avoid) {
        continue;
      }
      long active = Math.max(0, counts.active(i));
      // active / weight < bestActive / bestWeight, without dividing.
      if (best < 0 || active * bestWeight < bestActive * weight) {
        best = i;
        bestActive = active;
        bestWeight = weight;
      }
    }
    return best;
  }

  /** How many members can be picked. */
  public int choices() {
    return choices;
  }
}
