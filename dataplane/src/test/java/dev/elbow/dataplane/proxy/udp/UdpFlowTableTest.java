package dev.elbow.dataplane.proxy.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UdpFlowTableTest {

  private static final long IDLE = TimeUnit.SECONDS.toNanos(300);

  private static InetSocketAddress client(int port) {
    return new InetSocketAddress("192.0.2.7", port);
  }

  @Test
  void aFlowKeepsItsSessionWhileUsed() {
    UdpFlowTable<String> table = new UdpFlowTable<>(10, IDLE);
    assertThat(table.use(client(1000), 0)).isNull();
    assertThat(table.admit()).isTrue();
    table.open(client(1000), "member-a", 0);

    assertThat(table.use(client(1000), 1)).isEqualTo("member-a");
    assertThat(table.use(client(1001), 1)).as("another port is another flow").isNull();
  }

  @Test
  void idleFlowsExpireAndUsedOnesDoNot() {
    UdpFlowTable<String> table = new UdpFlowTable<>(10, IDLE);
    table.open(client(1), "one", 0);
    table.open(client(2), "two", 0);
    table.open(client(3), "three", 0);
    table.use(client(1), IDLE - 1); // one stays busy

    List<String> closed = new ArrayList<>();
    assertThat(table.expire(IDLE - 2, closed::add)).isZero();
    assertThat(table.expire(IDLE, closed::add)).isEqualTo(2);

    assertThat(closed).containsExactly("two", "three");
    assertThat(table.use(client(1), IDLE)).isEqualTo("one");
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void aFullTableRefusesNewFlowsAndCountsThem() {
    UdpFlowTable<String> table = new UdpFlowTable<>(2, IDLE);
    table.open(client(1), "one", 0);
    table.open(client(2), "two", 0);

    assertThat(table.admit()).isFalse();
    assertThat(table.admit()).isFalse();
    assertThat(table.refused()).isEqualTo(2);
    assertThatThrownBy(() -> table.open(client(3), "three", 0))
        .isInstanceOf(IllegalStateException.class);
    assertThat(table.use(client(1), 1)).as("existing flows keep working").isEqualTo("one");

    table.close(client(2));
    assertThat(table.admit()).as("room again once a flow ends").isTrue();
  }

  @Test
  void flowsUsedInAnyOrderExpireExactlyWhenIdle() {
    UdpFlowTable<Integer> table = new UdpFlowTable<>(1000, IDLE);
    for (int port = 1; port <= 1000; port++) {
      table.open(client(port), port, 0);
    }
    for (int port = 1000; port >= 1; port -= 2) {
      table.use(client(port), 10); // every even port, newest first
    }
    List<Integer> closed = new ArrayList<>();
    table.expire(IDLE, closed::add);

    assertThat(closed).hasSize(500).allMatch(port -> port % 2 == 1);
    assertThat(table.size()).isEqualTo(500);
    assertThat(table.expire(IDLE + 10, closed::add)).isEqualTo(500);
  }

  @Test
  void clearHandsEverySessionBack() {
    UdpFlowTable<String> table = new UdpFlowTable<>(10, IDLE);
    table.open(client(1), "one", 0);
    table.open(client(2), "two", 0);
    List<String> closed = new ArrayList<>();
    table.clear(closed::add);
    assertThat(closed).containsExactlyInAnyOrder("one", "two");
    assertThat(table.size()).isZero();
  }
}
