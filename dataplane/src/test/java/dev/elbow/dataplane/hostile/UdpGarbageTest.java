package dev.elbow.dataplane.hostile;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.proxy.udp.UdpCounters;
import dev.elbow.dataplane.proxy.udp.UdpDatagrams;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.UdpEchoServer;
import dev.elbow.dataplane.testing.UdpTestClient;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Garbage at a plain UDP listener. UDP payloads are opaque, so random bytes are forwarded as they
 * are, whole, up to 16 KiB (not cut at Netty's default 2,048-byte receive buffer); datagrams too
 * large to receive whole are dropped and counted, not forwarded short. A well-behaved client's flow
 * is answered throughout.
 */
@Tag("reliability")
class UdpGarbageTest {

  private static final int ROUNDS = 50;

  private final UdpEchoServer echo = UdpEchoServer.start("e");
  private final TestDataPlane dataPlane = TestDataPlane.start();
  private final int port = FreePorts.next();

  @AfterEach
  void stop() {
    dataPlane.close();
    echo.close();
  }

  @Test
  void oversizedDatagramsAreDroppedAndCountedAndEverythingElseForwardedWhole() {
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(new ListenerConfig("d/udp", ListenerProtocol.UDP, port, "d/udp")),
            List.of(
                new GroupConfig(
                    "d/udp",
                    BackendProtocol.UDP,
                    Algorithm.ROUND_ROBIN,
                    List.of(member(echo.port(), 1)),
                    null))));
    Random random = new Random(9);
    int oversized = 0;
    int answered = 0;
    try (UdpTestClient good = new UdpTestClient(port);
        UdpTestClient garbage = new UdpTestClient(port);
        UdpTestClient large = new UdpTestClient(port)) {
      for (int round = 0; round < ROUNDS; round++) {
        byte[] noise = new byte[random.nextInt(3_000)];
        random.nextBytes(noise);
        garbage.send(noise);
        byte[] tooLarge = new byte[UdpDatagrams.MAX_PAYLOAD + 1 + random.nextInt(40_000)];
        garbage.send(tooLarge);
        oversized++;
        assertThat(good.request("ping " + round)).isEqualTo("e:ping " + round);
        answered++;
      }
      // Larger than Netty's default receive buffer, both ways: forwarded whole.
      String big = "x".repeat(12_000);
      assertThat(large.request(big)).isEqualTo("e:" + big);
      answered++;
    }
    UdpCounters counters = dataPlane.dataPlane().udpCounters(port);
    int expected = oversized;
    await().until(() -> counters.oversized.sum() == expected);
    assertThat(echo.largest()).as("largest datagram the member got").isEqualTo(12_000);
    ReliabilityRows.record(
        "UDP garbage at a plain UDP listener",
        "1 client, " + answered + " request/replies, amid the garbage",
        ROUNDS + " random datagrams (forwarded: UDP is opaque), " + oversized + " over 16 KiB",
        ROUNDS * 2 + answered,
        oversized,
        "the "
            + oversized
            + " oversized dropped as intended and counted (elbow_udp_dropped oversized); every"
            + " request answered, a 12,000-byte one whole both ways");
  }
}
