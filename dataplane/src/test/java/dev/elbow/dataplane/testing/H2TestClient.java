package dev.elbow.dataplane.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare HTTP/2 client on Netty's frame codec, for what library clients hide: trailers, prior
 * knowledge over cleartext (h2c), when each DATA frame arrives, and streams that stop reading. One
 * connection; each {@link #open} starts a stream.
 */
public final class H2TestClient implements AutoCloseable {

  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel connection;

  private H2TestClient(int port, boolean tls) throws Exception {
    SslContext context =
        tls
            ? SslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(
                    new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build()
            : null;
    connection =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (context != null) {
                      ch.pipeline().addLast(context.newHandler(ch.alloc(), "localhost", port));
                    }
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** HTTP/2 over TLS, by ALPN. */
  public static H2TestClient tls(int port) throws Exception {
    return new H2TestClient(port, true);
  }

  /** HTTP/2 over cleartext with prior knowledge: the preface is the first thing sent. */
  public static H2TestClient cleartext(int port) throws Exception {
    return new H2TestClient(port, false);
  }

  /** The headers of a request; {@code :scheme} is filled in as https. */
  public static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers()
        .method(method)
        .path(path)
        .scheme("https")
        .authority("localhost");
  }

  /**
   * Opens a stream and sends the head.
   *
   * @param endStream the head is the whole request
   * @param reading false: the stream never reads, so its window is never given back
   */
  public Stream open(Http2Headers headers, boolean endStream, boolean reading) throws Exception {
    Stream stream = new Stream();
    Http2StreamChannel channel =
        new Http2StreamChannelBootstrap(connection).handler(stream).open().sync().getNow();
    channel.config().setAutoRead(reading);
    stream.channel = channel;
    channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream)).sync();
    return stream;
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One stream: what it sends, and what arrived on it. */
  public static final class Stream extends ChannelInboundHandlerAdapter {
    private Http2StreamChannel channel;
    private final CompletableFuture<Http2Headers> head = new CompletableFuture<>();
    private final CompletableFuture<Http2Headers> interim = new CompletableFuture<>();
    private final CompletableFuture<Stream> done = new CompletableFuture<>();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final List<String> pieces = new CopyOnWriteArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private volatile Http2Headers trailers;
    private volatile long resetCode = -1;

    /** Sends body bytes, waiting while the stream's window is shut. */
    public void send(byte[] bytes, boolean endStream) throws Exception {
      int offset = 0;
      do {
        while (!channel.isWritable() && channel.isActive()) {
          Thread.sleep(1);
        }
        int n = Math.min(16 * 1024, bytes.length - offset);
        boolean last = endStream && offset + n == bytes.length;
        channel
            .writeAndFlush(
                new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes, offset, n), last))
            .sync();
        offset += n;
      } while (offset < bytes.length);
    }

    /** Sends trailers, which end the request. */
    public void sendTrailers(Http2Headers trailers) throws Exception {
      channel.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true)).sync();
    }

    /** Resets the stream (CANCEL), as a client that gives up does. */
    public void cancel() {
      channel.close();
    }

    /** The first interim (1xx) head, such as 100 Continue. */
    public Http2Headers interim(long seconds) throws Exception {
      return interim.get(seconds, TimeUnit.SECONDS);
    }

    public Http2Headers head(long seconds) throws Exception {
      return head.get(seconds, TimeUnit.SECONDS);
    }

    /** Waits for the end of the response: END_STREAM or a reset. */
    public Stream await(long seconds) throws Exception {
      return done.get(seconds, TimeUnit.SECONDS);
    }

    public long bodyBytes() {
      return bodyBytes.get();
    }

    /** The body as text, when it was small enough to keep (the first MiB). */
    public synchronized String text() {
      return text.toString();
    }

    /** The text of each DATA frame, in order of arrival (the first MiB of the body). */
    public List<String> pieces() {
      return pieces;
    }

    public Http2Headers trailers() {
      return trailers;
    }

    /** The reset's error code, or -1 when the stream was not reset. */
    public long resetCode() {
      return resetCode;
    }

    public String status() {
      return head.getNow(new DefaultHttp2Headers()).status() == null
          ? null
          : head.getNow(new DefaultHttp2Headers()).status().toString();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2HeadersFrame headers) {
        CharSequence status = headers.headers().status();
        if (!head.isDone() && status != null && status.length() == 3 && status.charAt(0) == '1') {
          interim.complete(headers.headers()); // 100 Continue and the like: the answer follows
        } else if (!head.isDone()) {
          head.complete(headers.headers());
        } else {
          trailers = headers.headers();
        }
        if (headers.isEndStream()) {
          done.complete(this);
        }
      } else if (msg instanceof Http2DataFrame data) {
        ByteBuf content = data.content();
        bodyBytes.addAndGet(content.readableBytes());
        synchronized (this) {
          if (text.length() < 1024 * 1024 && content.isReadable()) {
            String piece = content.toString(StandardCharsets.ISO_8859_1);
            text.append(piece);
            pieces.add(piece);
          }
        }
        data.release();
        if (data.isEndStream()) {
          done.complete(this);
        }
      } else if (msg instanceof Http2ResetFrame reset) {
        resetCode = reset.errorCode();
        head.complete(new DefaultHttp2Headers());
        done.complete(this);
      }
    }

    /** A RST_STREAM from the server reaches the stream as an event, not as a read. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof Http2ResetFrame reset) {
        resetCode = reset.errorCode();
        head.complete(new DefaultHttp2Headers());
        done.complete(this);
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      head.complete(new DefaultHttp2Headers());
      done.complete(this);
    }
  }
}
