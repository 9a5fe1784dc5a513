package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.proxy.udp.UdpCounters;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.QuicEndpoints;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.Scrape;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.UdpTestClient;
import dev.elbow.snapshot.HealthCheckConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Garbage at a UDP listener whose group is QUIC (QUIC_CID), with real QUIC servers behind it and a
 * real QUIC connection open through it. Datagrams that break QUIC version 1's rules (a connection
 * ID over 20 bytes, a long header cut short) and datagrams too large to receive whole are dropped
 * and counted by reason; a QUIC connection keeps working, and new ones are made, throughout.
 */
@Tag("reliability")
class QuicGarbageTest {

  private static final int ROUNDS = 50;

  private EventLoopGroup loops;
  private Channel server;
  private TestDataPlane dataPlane;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Quic.ensureAvailability();
    loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    server = QuicEndpoints.server(loops, "a");
    dataPlane = TestDataPlane.start();
    port = FreePorts.next();
    int serverPort = ((InetSocketAddress) server.localAddress()).getPort();
    dataPlane.apply(Snapshots.quicCid(port, HealthCheckConfig.DISABLED, serverPort));
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    server.close().syncUninterruptibly();
    loops.shutdownGracefully().syncUninterruptibly();
  }

  /** A QUIC version 1 long header (Initial) with this destination ID length, then filler. */
  private static byte[] longHeader(int idLengthByte, int size, Random random) {
    byte[] datagram = new byte[size];
    random.nextBytes(datagram);
    datagram[0] = (byte) 0xc0;
    datagram[1] = 0;
    datagram[2] = 0;
    datagram[3] = 0;
    datagram[4] = 1;
    datagram[5] = (byte) idLengthByte;
    return datagram;
  }

  @Test
  void malformedAndOversizedDatagramsAreDroppedAndCountedWhileQuicWorks() throws Exception {
    Random random = new Random(8);
    QuicChannel steady = QuicEndpoints.connect(loops, port);
    assertThat(QuicEndpoints.ask(steady, "first")).isEqualTo("a:first");
    int malformed = 0;
    int oversized = 0;
    for (int round = 0; round < ROUNDS; round++) {
      // Each from a client port of its own, so each would open a flow if it were let through.
      try (UdpTestClient a = new UdpTestClient(port);
          UdpTestClient b = new UdpTestClient(port);
          UdpTestClient c = new UdpTestClient(port)) {
        a.send(longHeader(21 + random.nextInt(235), 1200, random)); // ID longer than v1 allows
        b.send(longHeader(20, 6 + random.nextInt(20), random)); // cut short inside its ID
        c.send(longHeader(8, 16 * 1024 + 1 + random.nextInt(40_000), random)); // too large
        malformed += 2;
        oversized++;
      }
      if (round % 10 == 0) {
        assertThat(QuicEndpoints.ask(steady, "during " + round)).isEqualTo("a:during " + round);
      }
    }
    UdpCounters counters = dataPlane.dataPlane().udpCounters(port);
    int expectedMalformed = malformed;
    int expectedOversized = oversized;
    await()
        .until(
            () ->
                counters.malformed.sum() == expectedMalformed
                    && counters.oversized.sum() == expectedOversized);
    assertThat(counters.flowsOpened.sum()).as("only the QUIC connection's flow").isEqualTo(1);
    String metrics = dataPlane.adminGet("/metrics");
    assertThat(Scrape.value(metrics, "elbow_udp_dropped", "port", "" + port, "reason", "malformed"))
        .isEqualTo(malformed);
    assertThat(Scrape.value(metrics, "elbow_udp_dropped", "port", "" + port, "reason", "oversized"))
        .isEqualTo(oversized);

    assertThat(QuicEndpoints.ask(steady, "last")).isEqualTo("a:last");
    QuicChannel fresh = QuicEndpoints.connect(loops, port);
    assertThat(QuicEndpoints.ask(fresh, "new")).isEqualTo("a:new");
    steady.close().sync();
    fresh.close().sync();
    ReliabilityRows.record(
        "UDP/QUIC garbage at a QUIC_CID listener",
        "1 QUIC connection asked " + (ROUNDS / 10 + 2) + " times, 1 more made, amid the garbage",
        malformed + " malformed QUIC v1 long headers, " + oversized + " datagrams over 16 KiB",
        malformed + oversized + ROUNDS / 10 + 3,
        malformed + oversized,
        "all garbage dropped as intended and counted (elbow_udp_dropped malformed "
            + malformed
            + ", oversized "
            + oversized
            + "), none forwarded; every QUIC exchange answered");
  }
}
