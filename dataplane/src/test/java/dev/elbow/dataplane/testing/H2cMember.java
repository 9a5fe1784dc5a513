package dev.elbow.dataplane.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A member that speaks only HTTP/2 over cleartext (h2c, prior knowledge), as gRPC servers do: each
 * request is answered with a streamed body of unstated length, {@code <method> <path> <body
 * bytes>}, and the trailer {@code x-served-by: h2c}; {@code /download/N} streams N bytes as its
 * flow-control window lets them out, {@code /reset-after/N} resets the stream after N bytes. It
 * counts the connections it accepted and the download bytes it got out.
 */
public final class H2cMember implements AutoCloseable {

  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();

  public H2cMember() throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.incrementAndGet();
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forServer().build(),
                            new Http2MultiplexHandler(
                                new ChannelInitializer<Http2StreamChannel>() {
                                  @Override
                                  protected void initChannel(Http2StreamChannel stream) {
                                    stream
                                        .pipeline()
                                        .addLast(
                                            new Http2StreamFrameToHttpObjectCodec(true),
                                            new HttpObjectAggregator(1 << 20),
                                            new Answer());
                                  }
                                }));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Bytes of {@code /download/} bodies the flow control let out (writes completed) so far. */
  public long sent() {
    return sent.get();
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    private long remaining;
    private boolean resetAtEnd;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      // /download/N: N bytes, as fast as the stream's window lets them out; /reset-after/N: N
      // bytes, then the stream is reset (CANCEL), as a member that fails mid-response.
      if (request.uri().startsWith("/download/") || request.uri().startsWith("/reset-after/")) {
        resetAtEnd = request.uri().startsWith("/reset-after/");
        remaining = Long.parseLong(request.uri().substring(request.uri().lastIndexOf('/') + 1));
        ctx.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        pump(ctx);
        return;
      }
      String text =
          request.method() + " " + request.uri() + " " + request.content().readableBytes();
      ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
      ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)));
      LastHttpContent last = new DefaultLastHttpContent();
      last.trailingHeaders().set("x-served-by", "h2c");
      ctx.writeAndFlush(last);
    }

    private void pump(ChannelHandlerContext ctx) {
      while (remaining > 0 && ctx.channel().isWritable()) {
        int n = (int) Math.min(remaining, 16 * 1024);
        remaining -= n;
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[n])))
            .addListener(
                f -> {
                  if (f.isSuccess()) {
                    sent.addAndGet(n);
                  }
                });
      }
      if (remaining == 0) {
        remaining = -1;
        if (resetAtEnd) {
          ctx.flush();
          ctx.channel()
              .eventLoop()
              .schedule(() -> ctx.channel().close(), 200, TimeUnit.MILLISECONDS);
          return;
        }
        ctx.write(new DefaultLastHttpContent());
      }
      ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (remaining > 0) {
        pump(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }
  }
}
