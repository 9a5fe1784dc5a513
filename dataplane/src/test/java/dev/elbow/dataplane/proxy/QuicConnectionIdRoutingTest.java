package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.udpCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.proxy.udp.UdpCounters;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.NatRebinder;
import dev.elbow.dataplane.testing.QuicEndpoints;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * QUIC_CID with real QUIC: quiche servers behind the data plane, quiche clients in front, and a NAT
 * between client and data plane that moves the client to a new port mid-connection.
 */
class QuicConnectionIdRoutingTest {

  private EventLoopGroup loops;
  private TestDataPlane dataPlane;
  private Channel serverA;
  private Channel serverB;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Quic.ensureAvailability();
    loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    serverA = QuicEndpoints.server(loops, "a");
    serverB = QuicEndpoints.server(loops, "b");
    dataPlane = TestDataPlane.start();
    port = FreePorts.next();
    dataPlane.apply(
        Snapshots.quicCid(port, udpCheck(null, null), portOf(serverA), portOf(serverB)));
  }

  private static int portOf(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    serverA.close().syncUninterruptibly();
    serverB.close().syncUninterruptibly();
    loops.shutdownGracefully().syncUninterruptibly();
  }

  @Test
  void quicMembersPassTheirUdpCheckByAnsweringWithVersionNegotiation() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(dataPlane.dataPlane().status().groups().get(0).members())
                    .extracting(MemberHealth::state)
                    .containsOnly(HealthState.HEALTHY));
    serverA.close().syncUninterruptibly(); // its port now answers with ICMP port-unreachable
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(dataPlane.dataPlane().status().groups().get(0).members())
                    .extracting(MemberHealth::state)
                    .containsExactly(HealthState.UNHEALTHY, HealthState.HEALTHY));
  }

  @Test
  void aClientMovedToANewPortByItsNatKeepsItsConnectionAndItsMember() throws Exception {
    // Six connections: were the new flows after rebinding placed by anything but the connection
    // ID, each would reach the other server half the time, and this passes by luck once in 64.
    for (int i = 0; i < 6; i++) {
      try (NatRebinder nat = new NatRebinder(port)) {
        QuicChannel connection = QuicEndpoints.connect(loops, nat.port());
        String before = QuicEndpoints.ask(connection, "before " + i);
        String member = before.substring(0, before.indexOf(':'));
        assertThat(before).isEqualTo(member + ":before " + i);

        int oldPort = nat.outsidePort();
        nat.rebind();
        assertThat(nat.outsidePort()).isNotEqualTo(oldPort);

        assertThat(QuicEndpoints.ask(connection, "after " + i))
            .as("connection %d after its NAT rebinding", i)
            .isEqualTo(member + ":after " + i);
        assertThat(connection.isActive()).isTrue();
        connection.close().sync();
      }
    }
    UdpCounters counters = dataPlane.dataPlane().udpCounters(port);
    assertThat(counters.flowsOpened.sum()).as("two flows per connection").isEqualTo(12);
    assertThat(counters.malformed.sum()).isZero();
  }
}
