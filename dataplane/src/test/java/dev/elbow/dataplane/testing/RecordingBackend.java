package dev.elbow.dataplane.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 backend on loopback that keeps every byte it received, on any connection, and every
 * request it parsed, and answers each request 200 {@code ok}. Tests of refused input check that
 * nothing of a refused request reached it, not even part of a head.
 */
public final class RecordingBackend implements AutoCloseable {

  /** A request as the backend parsed it: the target and each header line, in order. */
  public record Received(String method, String uri, List<Map.Entry<String, String>> headers) {

    /** Whether a header of this name (any case) arrived. */
    public boolean has(String name) {
      return headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase(name));
    }
  }

  private static final EventLoopGroup LOOP =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private final Channel server;

  private RecordingBackend() {
    server =
        new ServerBootstrap()
            .group(LOOP)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new Tap(),
                            // Larger limits than the proxy's, so the proxy is the one that refuses.
                            new HttpServerCodec(64 * 1024, 64 * 1024, 64 * 1024),
                            new HttpObjectAggregator(1 << 20),
                            new Answer());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  public static RecordingBackend start() {
    return new RecordingBackend();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Every byte received so far, over all connections, as ISO-8859-1 text. */
  public String raw() {
    synchronized (raw) {
      return raw.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The requests parsed so far. */
  public List<Received> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  private final class Tap extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      byte[] copy = new byte[bytes.readableBytes()];
      bytes.getBytes(bytes.readerIndex(), copy);
      synchronized (raw) {
        raw.writeBytes(copy);
      }
      ctx.fireChannelRead(msg);
    }
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      requests.add(
          new Received(
              request.method().name(), request.uri(), List.copyOf(request.headers().entries())));
      ByteBuf body = Unpooled.copiedBuffer("ok\n", StandardCharsets.US_ASCII);
      var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
      ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
