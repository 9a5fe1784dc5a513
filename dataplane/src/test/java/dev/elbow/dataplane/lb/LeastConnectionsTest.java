package dev.elbow.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

  @Test
  void picksTheLowestActivePerWeight() {
    LeastConnections picker = new LeastConnections(new int[] {1, 2, 1});
    int[] active = {1, 1, 2};
    // 1/1, 1/2, 2/1: the second member is the least loaded for its weight.
    for (int i = 0; i < 10; i++) {
      assertThat(picker.pick(k -> active[k])).isEqualTo(1);
    }
  }

  @Test
  void tiesGoRoundRobin() {
    LeastConnections picker = new LeastConnections(new int[] {3, 3, 3, 3});
    int[] counts = new int[4];
    for (int i = 0; i < 400; i++) {
      counts[picker.pick(k -> 0)]++;
    }
    assertThat(counts).containsExactly(100, 100, 100, 100);
  }

  @Test
  void connectionsThatStayOpenEndUpSharedByWeight() {
    // Every pick opens a connection that never closes: the open counts must follow the weights
    // 5:1:1 exactly at every multiple of 7, whatever the start of the tie-breaking.
    LeastConnections picker = new LeastConnections(new int[] {5, 1, 1});
    int[] active = new int[3];
    for (int i = 1; i <= 700; i++) {
      active[picker.pick(k -> active[k])]++;
      if (i % 7 == 0) {
        assertThat(active).containsExactly(5 * i / 7, i / 7, i / 7);
      }
    }
  }

  @Test
  void aMemberWhoseConnectionsCloseGetsTheNewOnes() {
    LeastConnections picker = new LeastConnections(new int[] {1, 1});
    int[] active = {10, 10};
    active[1] = 2; // the second member's long connections ended
    for (int i = 0; i < 8; i++) {
      active[picker.pick(k -> active[k])]++;
    }
    assertThat(active).containsExactly(10, 10);
  }

  @Test
  void weightZeroIsNeverPickedAndNoWeightPicksNothing() {
    LeastConnections picker = new LeastConnections(new int[] {0, 1});
    int[] active = {0, 50};
    assertThat(picker.pick(k -> active[k])).isEqualTo(1);
    assertThat(new LeastConnections(new int[] {0, 0}).pick(k -> 0)).isEqualTo(-1);
    assertThat(new LeastConnections(new int[0]).pick(k -> 0)).isEqualTo(-1);
  }

  @Test
  void pickOtherThanAvoidsTheFailedMember() {
    LeastConnections picker = new LeastConnections(new int[] {1, 1, 1});
    int[] active = {0, 5, 5};
    for (int i = 0; i < 10; i++) {
      assertThat(picker.pickOtherThan(0, k -> active[k])).isIn(1, 2);
    }
    assertThat(new LeastConnections(new int[] {1}).pickOtherThan(0, k -> 0)).isEqualTo(-1);
  }
}
