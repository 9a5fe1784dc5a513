package dev.elbow.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.HttpLines;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.dataplane.testing.StreamingMember;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ProxyProtocol;
import dev.elbow.snapshot.Snapshot;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PROXY protocol both ways: a TCP group sends v1 or v2 to its members (parsed here by Netty's
 * decoder and by hand), and a listener reads the header of upstream load balancers in its trusted
 * ranges, whose client address then reaches members, while a header from anywhere else is not
 * believed.
 */
class ProxyProtocolTest {

  private TestDataPlane dataPlane;
  private ServerSocket tcpMember;
  private StreamingMember httpMember;
  private int port;

  @BeforeEach
  void start() throws Exception {
    dataPlane = TestDataPlane.start();
    tcpMember = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    httpMember = new StreamingMember();
    port = FreePorts.next();
  }

  @AfterEach
  void stop() throws Exception {
    dataPlane.close();
    tcpMember.close();
    httpMember.close();
  }

  private void serve(ListenerProtocol protocol, List<String> trusted, ProxyProtocol sent) {
    boolean tcp = protocol == ListenerProtocol.TCP;
    GroupConfig group =
        Snapshots.uncheckedGroup(
                "d/g",
                tcp ? BackendProtocol.TCP : BackendProtocol.HTTP,
                tcp ? tcpMember.getLocalPort() : httpMember.port())
            .withProxyProtocol(sent);
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(new ListenerConfig("d/l", protocol, port, "d/g", null, null, trusted)),
            List.of(group)));
  }

  /** The first {@code n} bytes the TCP member gets on its next connection. */
  private CompletableFuture<byte[]> memberReads(int n) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket accepted = tcpMember.accept()) {
            return accepted.getInputStream().readNBytes(n);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void aTcpGroupSendsVersion1First() throws Exception {
    serve(ListenerProtocol.TCP, List.of(), ProxyProtocol.V1);
    try (Socket client = new Socket("127.0.0.1", port)) {
      String expected =
          "PROXY TCP4 127.0.0.1 127.0.0.1 " + client.getLocalPort() + " " + port + "\r\nhello";
      CompletableFuture<byte[]> read = memberReads(expected.length());
      client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(read.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
          .isEqualTo(expected);
    }
  }

  @Test
  void aTcpGroupSendsVersion2FirstEvenBeforeTheClientSpeaks() throws Exception {
    serve(ListenerProtocol.TCP, List.of(), ProxyProtocol.V2);
    CompletableFuture<byte[]> read = memberReads(16 + 12);
    try (Socket client = new Socket("127.0.0.1", port)) {
      HAProxyMessage header = decode(read.get(10, TimeUnit.SECONDS));
      assertThat(header.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
      assertThat(header.sourceAddress()).isEqualTo("127.0.0.1");
      assertThat(header.sourcePort()).isEqualTo(client.getLocalPort());
      assertThat(header.destinationPort()).isEqualTo(port);
      header.release();
    }
  }

  @Test
  void aTrustedUpstreamsClientAddressReachesTheMembersHeader() throws Exception {
    serve(ListenerProtocol.TCP, List.of("127.0.0.0/8"), ProxyProtocol.V2);
    CompletableFuture<byte[]> read = memberReads(16 + 12 + 2);
    try (Socket upstream = new Socket("127.0.0.1", port)) {
      upstream
          .getOutputStream()
          .write(
              "PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\nhi"
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] bytes = read.get(10, TimeUnit.SECONDS);
      HAProxyMessage header = decode(java.util.Arrays.copyOf(bytes, 28));
      assertThat(header.sourceAddress()).isEqualTo("203.0.113.7");
      assertThat(header.sourcePort()).isEqualTo(40000);
      assertThat(header.destinationAddress()).isEqualTo("198.51.100.1");
      assertThat(header.destinationPort()).isEqualTo(443);
      header.release();
      assertThat(new String(bytes, 28, 2, StandardCharsets.US_ASCII)).isEqualTo("hi");
    }
  }

  @Test
  void anHttpListenerTakesTheClientAddressOfATrustedUpstreamForXForwardedFor() throws Exception {
    serve(ListenerProtocol.HTTP, List.of("127.0.0.0/8"), null);
    byte[] v2 = v2Header("203.0.113.9", 51000);
    String answer = exchange(v2, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(httpMember.lastRequestHead()).contains("x-forwarded-for: 203.0.113.9");
  }

  @Test
  void aTrustedUpstreamThatSendsNoHeaderIsCutOff() throws Exception {
    serve(ListenerProtocol.HTTP, List.of("127.0.0.0/8"), null);
    String answer = exchange(new byte[0], "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer).as("closed without an answer").isEmpty();
  }

  @Test
  void aHeaderFromOutsideTheTrustedRangesIsNotBelieved() throws Exception {
    serve(ListenerProtocol.HTTP, List.of("10.0.0.0/8"), null);
    String answer =
        exchange(
            "PROXY TCP4 203.0.113.7 198.51.100.1 40000 80\r\n".getBytes(StandardCharsets.US_ASCII),
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(httpMember.lastRequestHead()).doesNotContain("203.0.113.7");
  }

  /** Sends the header and the request on one connection; returns what came back until close. */
  private String exchange(byte[] header, String request) throws Exception {
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      out.write(header);
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = client.getInputStream();
      String status = HttpLines.read(in);
      return status == null
          ? ""
          : status + "\n" + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static byte[] v2Header(String address, int sourcePort) throws Exception {
    var header =
        ProxyHeaders.encode(
            io.netty.buffer.UnpooledByteBufAllocator.DEFAULT,
            ProxyProtocol.V2,
            new java.net.InetSocketAddress(InetAddress.getByName(address), sourcePort),
            new java.net.InetSocketAddress(InetAddress.getByName("198.51.100.1"), 80));
    try {
      return io.netty.buffer.ByteBufUtil.getBytes(header);
    } finally {
      header.release();
    }
  }

  /** Netty's decoder, an implementation other than the one that wrote the header. */
  private static HAProxyMessage decode(byte[] bytes) {
    EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    HAProxyMessage message = channel.readInbound();
    assertThat(message).as("a PROXY header").isNotNull();
    channel.finishAndReleaseAll();
    return message;
  }
}
