package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.UdpEchoServer;
import dev.elbow.dataplane.testing.UdpTestClient;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ProxyProtocol;
import dev.elbow.snapshot.Snapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PROXY protocol v2 toward UDP members: every datagram of a flow starts with a header (transport
 * DGRAM) naming the client, and health check datagrams with a LOCAL header, read here by Netty's
 * decoder. The member answers only datagrams whose header it can parse, as a member that requires
 * one would.
 */
class UdpProxyProtocolTest {

  private TestDataPlane dataPlane;
  private final AtomicInteger unparsed = new AtomicInteger();
  private UdpEchoServer udpMember;
  private int port;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    udpMember = UdpEchoServer.answering("dns", this::readHeader);
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    udpMember.close();
  }

  private void serve(HealthCheckConfig check) {
    GroupConfig group =
        Snapshots.group("d/dns", BackendProtocol.UDP, check, List.of(member(udpMember.port(), 1)))
            .withProxyProtocol(ProxyProtocol.V2);
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(new ListenerConfig("d/dns", ListenerProtocol.UDP, port, "d/dns")),
            List.of(group)));
  }

  @Test
  void everyDatagramOfAFlowCarriesTheClientsAddress() {
    serve(HealthCheckConfig.DISABLED);
    try (UdpTestClient client = new UdpTestClient(port)) {
      String expected = "PROXY UDP4 127.0.0.1:" + client.localPort() + " ";
      assertThat(client.request("first")).isEqualTo(expected + "first");
      assertThat(client.request("second")).isEqualTo(expected + "second");
      assertThat(client.request("third")).isEqualTo(expected + "third");
    }
    assertThat(unparsed.get()).as("datagrams without a header").isZero();
  }

  @Test
  void healthChecksSendALocalHeaderSoACheckedMemberIsHealthy() {
    serve(
        new HealthCheckConfig(
            true,
            HealthCheckProtocol.UDP,
            null,
            2,
            1,
            1,
            1,
            null,
            null,
            null,
            "ping",
            "LOCAL UNKNOWN ping",
            null));
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> dataPlane.memberHealth(udpMember.port()).state() == HealthState.HEALTHY);
    assertThat(unparsed.get()).as("datagrams without a header").isZero();
  }

  /**
   * What the member answers: the PROXY header Netty's decoder read (command, protocol, source),
   * then the payload; null (no answer) for a datagram without a header that parses, as a member
   * that requires one would.
   */
  private String readHeader(byte[] datagram) {
    EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(datagram));
      Object first = channel.readInbound();
      if (!(first instanceof HAProxyMessage header)) {
        unparsed.incrementAndGet();
        return null;
      }
      ByteBuf rest = channel.readInbound();
      String payload = rest == null ? "" : rest.toString(StandardCharsets.UTF_8);
      if (rest != null) {
        rest.release();
      }
      String source =
          header.sourceAddress() == null
              ? ""
              : header.sourceAddress() + ":" + header.sourcePort() + " ";
      String answer = header.command() + " " + header.proxiedProtocol() + " " + source + payload;
      header.release();
      return answer;
    } catch (RuntimeException malformed) {
      unparsed.incrementAndGet();
      return null;
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
