package dev.elbow.dataplane.testing;

import dev.elbow.snapshot.PemMaterial;
import dev.elbow.snapshot.testing.TestCertificates;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.QuicTokenHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real QUIC servers and clients (netty-codec-native-quic, quiche underneath) for tests. A server
 * answers every stream with {@code name:} and what the stream carried.
 */
public final class QuicEndpoints {

  private static final String ALPN = "elbow-test";

  private static final QuicTokenHandler NO_RETRY =
      new QuicTokenHandler() {
        @Override
        public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
          return false;
        }

        @Override
        public int validateToken(ByteBuf token, InetSocketAddress address) {
          return 0;
        }

        @Override
        public int maxTokenLength() {
          return 0;
        }
      };

  private QuicEndpoints() {}

  /** A QUIC server on a loopback UDP port; close the returned channel to stop it. */
  public static Channel server(EventLoopGroup loops, String name) throws Exception {
    QuicSslContext tls =
        QuicSslContextBuilder.forServer(
                PemMaterial.privateKey(TestCertificates.pem("default.key")),
                null,
                PemMaterial.certificates(TestCertificates.pem("default.crt"))
                    .toArray(X509Certificate[]::new))
            .applicationProtocols(ALPN)
            .build();
    var codec =
        new QuicServerCodecBuilder()
            .sslContext(tls)
            .maxIdleTimeout(30, TimeUnit.SECONDS)
            .initialMaxData(1 << 20)
            .initialMaxStreamDataBidirectionalRemote(1 << 16)
            .initialMaxStreamsBidirectional(100)
            // No Retry round trip: address validation is not what these tests are about.
            .tokenHandler(NO_RETRY)
            // Shared by every connection, so it must be sharable: an initializer is.
            .handler(
                new ChannelInitializer<QuicChannel>() {
                  @Override
                  protected void initChannel(QuicChannel connection) {}
                })
            .streamHandler(
                new ChannelInitializer<QuicStreamChannel>() {
                  @Override
                  protected void initChannel(QuicStreamChannel stream) {
                    stream.pipeline().addLast(new Answer(name));
                  }
                })
            .build();
    return new Bootstrap()
        .group(loops)
        .channel(NioDatagramChannel.class)
        .handler(codec)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .sync()
        .channel();
  }

  /** A QUIC connection to a loopback port, from a socket of its own. */
  public static QuicChannel connect(EventLoopGroup loops, int port) throws Exception {
    QuicSslContext tls =
        QuicSslContextBuilder.forClient()
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .applicationProtocols(ALPN)
            .build();
    var codec =
        new QuicClientCodecBuilder()
            .sslContext(tls)
            .maxIdleTimeout(30, TimeUnit.SECONDS)
            .initialMaxData(1 << 20)
            .initialMaxStreamDataBidirectionalLocal(1 << 16)
            .build();
    Channel socket =
        new Bootstrap()
            .group(loops)
            .channel(NioDatagramChannel.class)
            .handler(codec)
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    return QuicChannel.newBootstrap(socket)
        .handler(new ChannelInboundHandlerAdapter())
        .streamHandler(new ChannelInboundHandlerAdapter())
        .remoteAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .connect()
        .get(10, TimeUnit.SECONDS);
  }

  /** Sends {@code text} on a new stream and returns the server's answer. */
  public static String ask(QuicChannel connection, String text) throws Exception {
    CompletableFuture<String> answer = new CompletableFuture<>();
    QuicStreamChannel stream =
        connection
            .createStream(
                QuicStreamType.BIDIRECTIONAL,
                new ChannelInboundHandlerAdapter() {
                  private final StringBuilder received = new StringBuilder();

                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf data = (ByteBuf) msg;
                    received.append(data.toString(StandardCharsets.UTF_8));
                    data.release();
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    answer.complete(received.toString());
                  }
                })
            .get(5, TimeUnit.SECONDS);
    stream
        .writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))
        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
    return answer.get(10, TimeUnit.SECONDS);
  }

  /** Answers a stream once its client has sent everything. */
  private static final class Answer extends ChannelInboundHandlerAdapter {
    private final String name;
    private final StringBuilder received = new StringBuilder();

    Answer(String name) {
      this.name = name;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf data = (ByteBuf) msg;
      received.append(data.toString(StandardCharsets.UTF_8));
      data.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event == io.netty.channel.socket.ChannelInputShutdownReadComplete.INSTANCE) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(name + ":" + received, StandardCharsets.UTF_8))
            .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      }
    }
  }
}
