package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2TestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
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

  /** A WebSocket echo member on /ws; with a name, its echoes name it. */
  private Channel echoMember(String name) throws InterruptedException {
    return new ServerBootstrap()
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
                        new Echo(name));
              }
            })
        .bind("127.0.0.1", 0)
        .sync()
        .channel();
  }

  @BeforeEach
  void start() throws Exception {
    member = echoMember(null);
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
   * A WebSocket the proxy refuses (here no member accepts a connection) ends the stream from the
   * proxy's side only; what the client still sends on it is given back to the connection's window
   * at once, or a client that sends on regardless would stall every other stream of its connection.
   */
  @org.junit.jupiter.api.Test
  void aRefusedWebSocketStreamDoesNotHoldTheConnectionsWindow() throws Exception {
    dataPlane.apply(
        new Snapshot(
            2,
            List.of(new ListenerConfig("ns/ws", ListenerProtocol.HTTP, httpPort, "ns/echo")),
            List.of(uncheckedGroup("ns/echo", BackendProtocol.HTTP, FreePorts.next()))));
    try (H2TestClient client = H2TestClient.cleartext(httpPort)) {
      Http2Headers connect =
          new DefaultHttp2Headers()
              .method("CONNECT")
              .scheme("http")
              .path("/ws")
              .authority("localhost")
              .set(":protocol", "websocket")
              .set("sec-websocket-version", "13");
      H2TestClient.Stream stream = client.open(connect, false, false);
      assertThat(stream.head(10).status()).hasToString("502");
      // Four times the connection's initial window (65,535 bytes).
      CompletableFuture<Void> sent =
          CompletableFuture.runAsync(
              () -> {
                try {
                  stream.send(new byte[256 * 1024], true);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      sent.get(10, TimeUnit.SECONDS);
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

    applyEcho(null, 2, new MemberConfig("127.0.0.1", memberPort, 1, "service/echo", true));
    socket.sendText("while draining", true).get(10, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("while draining");
    assertThat(ended).as("still open within the delay").isNotDone();
    // Once the 2 s are up, the member's connection is closed, and the client's with it.
    assertThat(ended.get(15, TimeUnit.SECONDS)).isNotNull();
  }

  /**
   * Cookie stickiness applies at the upgrade, as to any request: the 101 sets the load balancer's
   * cookie, and WebSockets opened with it reach the same member, where without it they alternate.
   */
  @org.junit.jupiter.api.Test
  void aStickyCookieTakesTheUpgradeToItsMember() throws Exception {
    Channel second = echoMember("b");
    try {
      int secondPort = ((java.net.InetSocketAddress) second.localAddress()).getPort();
      applyEcho(
          new StickySession(StickySessionType.LB_COOKIE, 30, null, true, "/", null),
          GroupConfig.DEFAULT_DEREGISTRATION_DELAY_SECONDS,
          new MemberConfig("127.0.0.1", memberPort, 1, "service/echo-a", false),
          new MemberConfig("127.0.0.1", secondPort, 1, "service/echo-b", false));
      java.util.Set<String> withoutCookie = new java.util.TreeSet<>();
      String cookie = null;
      for (int i = 0; i < 4; i++) {
        RawWebSocket socket = RawWebSocket.open(httpPort, null);
        assertThat(socket.head).startsWith("HTTP/1.1 101");
        withoutCookie.add(socket.echo("hi"));
        cookie = socket.cookie();
        socket.close();
      }
      assertThat(withoutCookie).as("round robin without a cookie").hasSize(2);
      assertThat(cookie).as("the 101 sets the sticky cookie").startsWith("ELBOW_LB=");
      java.util.Set<String> withCookie = new java.util.TreeSet<>();
      for (int i = 0; i < 10; i++) {
        try (RawWebSocket socket = RawWebSocket.open(httpPort, cookie)) {
          withCookie.add(socket.echo("hi"));
        }
      }
      assertThat(withCookie).as("every upgrade with the cookie").hasSize(1);
    } finally {
      second.close().sync();
    }
  }

  /** Version 2: the HTTP listener alone, over group ns/echo of these members. */
  private void applyEcho(StickySession sticky, int deregistrationSeconds, MemberConfig... members) {
    dataPlane.apply(
        new Snapshot(
            2,
            List.of(new ListenerConfig("ns/ws", ListenerProtocol.HTTP, httpPort, "ns/echo")),
            List.of(
                new GroupConfig(
                    "ns/echo",
                    BackendProtocol.HTTP,
                    Algorithm.ROUND_ROBIN,
                    List.of(members),
                    HealthCheckConfig.DISABLED,
                    null,
                    null,
                    sticky,
                    null,
                    deregistrationSeconds))));
  }

  /** A WebSocket on a plain socket: the upgrade, one text frame out, the echo back. */
  private static final class RawWebSocket implements AutoCloseable {
    private final java.net.Socket socket;
    private final String head;

    private RawWebSocket(java.net.Socket socket, String head) {
      this.socket = socket;
      this.head = head;
    }

    static RawWebSocket open(int port, String cookie) throws Exception {
      java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      String request =
          "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
              + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
              + "\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int lastFour = 0;
      while (lastFour != 0x0d0a0d0a) {
        int b = socket.getInputStream().read();
        if (b < 0) {
          throw new java.io.EOFException("closed in the answer's head: " + head);
        }
        head.write(b);
        lastFour = (lastFour << 8) | b;
      }
      return new RawWebSocket(socket, head.toString(StandardCharsets.US_ASCII));
    }

    /** The member's answer to one text frame. */
    String echo(String text) throws Exception {
      socket.getOutputStream().write(maskedText(text));
      java.io.InputStream in = socket.getInputStream();
      int first = in.read();
      int length = in.read() & 0x7F;
      assertThat(first).isEqualTo(0x81);
      return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** The name=value of the Set-Cookie of the 101, or null. */
    String cookie() {
      return head.lines()
          .filter(l -> l.regionMatches(true, 0, "set-cookie:", 0, 11))
          .map(l -> l.substring(11).trim().split(";")[0])
          .findFirst()
          .orElse(null);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
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

  /** Sends every text frame back; with a name, prefixed by it ("b: hi"). */
  private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private final String name;

    Echo(String name) {
      this.name = name;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      ctx.writeAndFlush(
          new TextWebSocketFrame(name == null ? frame.text() : name + ": " + frame.text()));
    }
  }
}
