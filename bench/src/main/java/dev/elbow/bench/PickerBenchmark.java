package dev.elbow.bench;

import dev.elbow.dataplane.lb.LeastConnections;
import dev.elbow.dataplane.lb.RendezvousHash;
import dev.elbow.dataplane.lb.SmoothWeightedRoundRobin;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost of one pick, for groups of a few to the ELB maximum of members, with random weights, for
 * each algorithm; and of building the round robin, which happens on every health change and every
 * second of a slow start.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PickerBenchmark {

  @Param({"3", "100", "500"})
  int members;

  private int[] weights;
  private SmoothWeightedRoundRobin picker;
  private RendezvousHash hashing;
  private LeastConnections leastConnections;
  private LeastConnections.ActiveCounts active;
  private int[] rampedWeights;
  private long key;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    weights = new int[members];
    for (int i = 0; i < members; i++) {
      weights[i] = 1 + random.nextInt(100);
    }
    picker = SmoothWeightedRoundRobin.of(weights);
    long[] seeds = new long[members];
    for (int i = 0; i < members; i++) {
      seeds[i] = RendezvousHash.seed("10.0." + (i / 250) + "." + (i % 250) + ":8080");
    }
    hashing = new RendezvousHash(seeds, weights);
    leastConnections = new LeastConnections(weights);
    int[] open = new int[members];
    for (int i = 0; i < members; i++) {
      open[i] = random.nextInt(50);
    }
    active = i -> open[i];
    // Slow start: weights in tenths, one member part way up its ramp.
    rampedWeights = new int[members];
    for (int i = 0; i < members; i++) {
      rampedWeights[i] = weights[i] * 10;
    }
    rampedWeights[0] = Math.max(1, rampedWeights[0] * 37 / 100);
  }

  /** One pick from one thread. */
  @Benchmark
  public int roundRobinPick() {
    return picker.next();
  }

  /** One pick while another thread picks too: the shared counter is contended. */
  @Benchmark
  @Threads(2)
  public int roundRobinPickContended() {
    return picker.next();
  }

  /** The retry's pick of another member. */
  @Benchmark
  public int roundRobinPickOther() {
    return picker.nextOtherThan(0);
  }

  /**
   * One consistent-hash pick (SOURCE_IP, QUIC_CID), once per new connection or flow: a hash and a
   * logarithm per member, so it grows with the group, unlike round robin.
   */
  @Benchmark
  public int hashPick() {
    return hashing.pick(key++ * 0x9e3779b97f4a7c15L);
  }

  /**
   * One least-connections pick: a pass over the members reading their live counts, so it grows with
   * the group.
   */
  @Benchmark
  public int leastConnectionsPick() {
    return leastConnections.pick(active);
  }

  /**
   * Rebuilding the round robin while a member is in slow start (weights in tenths), as happens once
   * a second during a ramp.
   */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public SmoothWeightedRoundRobin roundRobinBuildRamping() {
    return SmoothWeightedRoundRobin.of(rampedWeights);
  }

  /** Rebuilding the picker, as on every health change of the group. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public SmoothWeightedRoundRobin roundRobinBuild() {
    return SmoothWeightedRoundRobin.of(weights);
  }
}
