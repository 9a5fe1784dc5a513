package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * HTTP/2 from clients of an HTTPS listener, proxied to the members as HTTP/1.1: each stream is a
 * child channel that turns its frames into one HTTP/1.1 request, which {@link Http2StreamProxy}
 * sends to a member.
 *
 * <p>HTTP/2 has flow control of its own, so the connection reads on its own (auto-read on) and the
 * peers' windows, not socket reads, hold a fast sender back.
 */
final class Http2Frontend {

  /** The largest request or response body a stream carries; larger ones get 413 or 502. */
  static final int MAX_BODY = 16 << 20;

  private Http2Frontend() {}

  /** The handlers that serve one HTTP/2 connection after its TLS handshake. */
  static ChannelHandler[] handlers(
      ProxyContext proxy, int port, ListenerTimeouts timeouts, ListenerMetrics metrics) {
    Http2StreamProxy streams = new Http2StreamProxy(proxy, port, timeouts, metrics);
    return new ChannelHandler[] {
      // Every stream's response flushes; within one read batch those flushes become one TLS
      // write, as many responses as the batch answered.
      new FlushConsolidationHandler(256, true),
      Http2FrameCodecBuilder.forServer().build(),
      new Http2MultiplexHandler(
          new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
              stream
                  .pipeline()
                  .addLast(
                      new Http2StreamFrameToHttpObjectCodec(true),
                      new HttpObjectAggregator(MAX_BODY),
                      streams);
            }
          }),
      new DrainRequested.ClosesHttp2(),
      new AutoRead()
    };
  }

  /** Turns auto-read on once the HTTP/2 handlers are in place. */
  private static final class AutoRead extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.channel().config().setAutoRead(true);
      ctx.pipeline().remove(this);
    }
  }
}
