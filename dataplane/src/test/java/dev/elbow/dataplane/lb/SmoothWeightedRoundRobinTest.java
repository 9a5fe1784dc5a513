package dev.elbow.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {

  private static int[] picks(SmoothWeightedRoundRobin picker, int n) {
    return IntStream.range(0, n).map(i -> picker.next()).toArray();
  }

  @Test
  void spreadsHeavyMembersLikeNginx() {
    // The sequence NGINX documents for weights 5, 1, 1.
    assertThat(picks(SmoothWeightedRoundRobin.of(new int[] {5, 1, 1}), 7))
        .containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void everyCycleHonoursTheWeightsExactly() {
    SmoothWeightedRoundRobin picker = SmoothWeightedRoundRobin.of(new int[] {1, 2, 3});
    int[] counts = new int[3];
    for (int pick : picks(picker, 600)) {
      counts[pick]++;
    }
    assertThat(counts).containsExactly(100, 200, 300);
  }

  @Test
  void commonDivisorKeepsTheCycleShort() {
    SmoothWeightedRoundRobin reduced = SmoothWeightedRoundRobin.of(new int[] {20, 40, 60});
    SmoothWeightedRoundRobin plain = SmoothWeightedRoundRobin.of(new int[] {1, 2, 3});
    assertThat(picks(reduced, 12)).containsExactly(picks(plain, 12));
  }

  @Test
  void zeroWeightIsNeverPicked() {
    SmoothWeightedRoundRobin picker = SmoothWeightedRoundRobin.of(new int[] {0, 3, 0, 1});
    assertThat(picks(picker, 40)).doesNotContain(0, 2).contains(1, 3);
    assertThat(picker.choices()).isEqualTo(2);
  }

  @Test
  void nothingToPickGivesMinusOne() {
    assertThat(SmoothWeightedRoundRobin.of(new int[] {}).next()).isEqualTo(-1);
    assertThat(SmoothWeightedRoundRobin.of(new int[] {0, 0}).next()).isEqualTo(-1);
  }

  @Test
  void retryPicksAnotherMember() {
    SmoothWeightedRoundRobin picker = SmoothWeightedRoundRobin.of(new int[] {100, 1});
    for (int i = 0; i < 50; i++) {
      assertThat(picker.nextOtherThan(0)).isEqualTo(1);
    }
    SmoothWeightedRoundRobin single = SmoothWeightedRoundRobin.of(new int[] {0, 4});
    assertThat(single.nextOtherThan(1)).isEqualTo(-1);
    assertThat(single.nextOtherThan(0)).isEqualTo(1);
    assertThat(single.nextOtherThan(-1)).isEqualTo(1);
  }

  @Test
  void pickingAllocatesNothing() {
    SmoothWeightedRoundRobin picker = SmoothWeightedRoundRobin.of(new int[] {3, 5, 7, 11});
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int i = 0; i < 200_000; i++) { // let the JIT settle first
      sink += picker.next();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1_000_000; i++) {
      sink += picker.next() + picker.nextOtherThan(2);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(sink).isPositive();
    // A single allocation per pick would be at least 16 MB here; the margin covers the probe.
    assertThat(allocated).isLessThan(64 * 1024);
  }
}
