package dev.elbow.dataplane.proxy.udp;

import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.RoutingTable;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A new UDP flow queues the datagrams that arrive while its socket to the member connects, at most
 * 64; the rest are dropped and counted as {@code queue_full}, and the queued ones reach the member
 * once it is connected. Netty connects a new channel in a later task of its event loop, so
 * datagrams handed to the flow within the task that opened it all meet the queue.
 */
class UdpQueueFullTest {

  @Test
  void datagramsPastTheQueueOfAConnectingFlowAreDroppedAndCounted() throws Exception {
    Transport transport = Transport.named("nio");
    EventLoopGroup loop = transport.newEventLoopGroup(1, "udp-queue-test");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (DatagramSocket member = new DatagramSocket(0, loopback)) {
      AtomicInteger received = new AtomicInteger();
      Thread reader =
          new Thread(
              () -> {
                byte[] buffer = new byte[64];
                try {
                  member.setSoTimeout(10_000);
                  while (true) {
                    member.receive(new DatagramPacket(buffer, buffer.length));
                    received.incrementAndGet();
                  }
                } catch (SocketTimeoutException quiet) {
                  // the test is over
                } catch (java.io.IOException closed) {
                  // closed by the test
                }
              });
      reader.setDaemon(true);
      reader.start();
      Channel listener =
          new Bootstrap()
              .group(loop)
              .channel(transport.datagramChannelType())
              .handler(new ChannelInboundHandlerAdapter())
              .bind(loopback, 0)
              .sync()
              .channel();
      GroupRuntime group =
          RoutingTable.build(
                  new Snapshot(
                      1,
                      List.of(listener("ns/dns", ListenerProtocol.UDP, 5353, "ns/dns")),
                      List.of(
                          uncheckedGroup("ns/dns", BackendProtocol.UDP, member.getLocalPort()))),
                  RoutingTable.EMPTY,
                  Instant.now())
              .group("ns/dns");
      UdpCounters counters = new UdpCounters();
      UdpSession.Owner owner =
          new UdpSession.Owner() {
            @Override
            public void closed(UdpSession session) {}

            @Override
            public void used(UdpSession session) {}
          };

      loop.submit(
              () -> {
                UdpSession session =
                    UdpSession.open(
                        transport,
                        listener,
                        new InetSocketAddress(loopback, 9),
                        group.members().get(0),
                        group,
                        owner,
                        counters,
                        ListenerMetrics.NONE,
                        null);
                for (int i = 0; i < 100; i++) {
                  session.send(Unpooled.copiedBuffer(new byte[] {(byte) i}));
                }
              })
          .get();

      assertThat(counters.queueFull.sum()).as("100 datagrams, 64 queued").isEqualTo(36);
      await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 64);
      listener.close().sync();
    } finally {
      loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }
}
