package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2TestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.Snapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSocket over HTTP/1.1 (RFC 6455): the client's Upgrade reaches the member, the member's 101
 * reaches the client, and then the connection carries WebSocket frames both ways, on an HTTP
 * listener (ws://) and an HTTPS listener (wss://), with the JDK's WebSocket client and Netty's
 * WebSocket server as the member (an echo); and WebSocket over HTTP/2 (RFC 8441) to that member.
 */
class WebSocketTest {

  private static final int MESSAGES = 10_000;

  private final EventLoopGroup memberLoop =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private TestDataPlane dataPlane;
  private Channel member;
  private int memberPort;
  private int httpPort;
  private int httpsPort;

  @BeforeEach
  void start() throws Exception {
    member =
        new ServerBootstrap()
            .group(memberLoop)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(64 * 1024),
                            new WebSocketServerProtocolHandler("/ws"),
                            new Echo());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    memberPort = ((java.net.InetSocketAddress) member.localAddress()).getPort();
    dataPlane = TestDataPlane.start();
    httpPort = FreePorts.next();
    httpsPort = FreePorts.next();
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(
                new ListenerConfig("ns/ws", ListenerProtocol.HTTP, httpPort, "ns/echo"),
                new ListenerConfig(
                    "ns/wss",
                    ListenerProtocol.HTTPS,
                    httpsPort,
                    "ns/echo",
                    ListenerTimeouts.DEFAULTS,
                    List.of(certificate("default")))),
            List.of(uncheckedGroup("ns/echo", BackendProtocol.HTTP, memberPort))));
  }

  @AfterEach
  void stop() throws Exception {
    dataPlane.close();
    member.close().sync();
    memberLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss"})
  void tenThousandMessagesGoBothWays(String scheme) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(TestTls.clientTrustingTestCa())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    int port = scheme.equals("ws") ? httpPort : httpsPort;
    WebSocket socket =
        client
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(scheme + "://localhost:" + port + "/ws"),
                new WebSocket.Listener() {
                  // The JDK hands a message over in parts when its frame came in parts.
                  private final StringBuilder message = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    message.append(data);
                    if (last) {
                      received.add(message.toString());
                      message.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    for (int i = 0; i < MESSAGES; i++) {
      socket.sendText("message " + i, true).get(10, TimeUnit.SECONDS);
    }
    for (int i = 0; i < MESSAGES; i++) {
      String echo = received.poll(10, TimeUnit.SECONDS);
      assertThat(echo).as("echo %d", i).isEqualTo("message " + i);
    }
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }

  /**
   * RFC 8441: the client opens the WebSocket with an extended CONNECT on an HTTP/2 stream (over
   * TLS, and h2c); the member is the same HTTP/1.1 WebSocket server. The frames are written and
   * read by hand here (client frames masked, as RFC 6455 requires).
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void tenThousandMessagesGoBothWaysOverAnHttp2Stream(String listener) throws Exception {
    try (H2TestClient client =
        listener.equals("h2") ? H2TestClient.tls(httpsPort) : H2TestClient.cleartext(httpPort)) {
      Http2Headers connect =
          new DefaultHttp2Headers()
              .method("CONNECT")
              .scheme(listener.equals("h2") ? "https" : "http")
              .path("/ws")
              .authority("localhost")
              .set(":protocol", "websocket")
              .set("sec-websocket-version", "13");
      H2TestClient.Stream stream = client.open(connect, false, true);
      assertThat(stream.head(10).status()).hasToString("200");
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < MESSAGES; i++) {
        batch.write(maskedText("message " + i));
        if (batch.size() > 8 * 1024 || i == MESSAGES - 1) {
          stream.send(batch.toByteArray(), false);
          batch.reset();
        }
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> texts(stream.text()).size() == MESSAGES);
      List<String> echoes = texts(stream.text());
      for (int i = 0; i < MESSAGES; i++) {
        assertThat(echoes.get(i)).as("echo %d", i).isEqualTo("message " + i);
      }
      stream.cancel();
    }
  }

  /**
   * A member that drains keeps its open WebSockets for the group's deregistration delay, then Elbow
   * closes them, as it does TCP connections.
   */
  @org.junit.jupiter.api.Test
  void aDrainingMembersWebSocketLastsTheDeregistrationDelayThenCloses() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CompletableFuture<String> ended = new CompletableFuture<>();
    WebSocket socket =
        client
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://localhost:" + httpPort + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    received.add(data.toString());
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket webSocket, int code, String why) {
                    ended.complete("closed " + code);
                    return null;
                  }

                  @Override
                  public void onError(WebSocket webSocket, Throwable error) {
                    ended.complete("cut: " + error);
                  }
                })
            .get(10, TimeUnit.SECONDS);
    socket.sendText("before", true).get(10, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("before");

    dataPlane.apply(
        new Snapshot(
            2,
            List.of(new ListenerConfig("ns/ws", ListenerProtocol.HTTP, httpPort, "ns/echo")),
            List.of(
                new dev.elbow.snapshot.GroupConfig(
                    "ns/echo",
                    BackendProtocol.HTTP,
                    dev.elbow.snapshot.Algorithm.ROUND_ROBIN,
                    List.of(
                        new dev.elbow.snapshot.MemberConfig(
                            "127.0.0.1", memberPort, 1, "service/echo", true)),
                    dev.elbow.snapshot.HealthCheckConfig.DISABLED,
                    null,
                    null,
                    null,
                    null,
                    2))));
    socket.sendText("while draining", true).get(10, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("while draining");
    assertThat(ended).as("still open within the delay").isNotDone();
    // Once the 2 s are up, the member's connection is closed, and the client's with it.
    assertThat(ended.get(15, TimeUnit.SECONDS)).isNotNull();
  }

  /** A client text frame (FIN, opcode 1), masked, of fewer than 126 bytes. */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {0x12, 0x34, 0x56, 0x78};
    byte[] frame = new byte[2 + 4 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  /** The texts of the whole unmasked server frames at the start of {@code bytes}. */
  private static List<String> texts(String bytes) {
    List<String> texts = new ArrayList<>();
    int i = 0;
    while (i + 2 <= bytes.length()) {
      int length = bytes.charAt(i + 1) & 0x7F;
      if (i + 2 + length > bytes.length()) {
        break;
      }
      texts.add(bytes.substring(i + 2, i + 2 + length));
      i += 2 + length;
    }
    return texts;
  }

  /** Sends every text frame back. */
  private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      ctx.writeAndFlush(new TextWebSocketFrame(frame.text()));
    }
  }
}
