package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.DrainRequested;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * HTTP/2 from clients (over TLS by ALPN, or cleartext with prior knowledge), each stream proxied to
 * a member as one HTTP/1.1 exchange by a {@link StreamExchange}, streamed both ways.
 *
 * <p>HTTP/2 has flow control of its own, so the connection reads on its own (auto-read on) and the
 * windows hold a fast sender back: each stream reads (and so opens the client's window) only as
 * fast as its member takes the body, and reads its member only while the client's window is open.
 */
public final class Http2Frontend {

  /**
   * Streams a client may have open at once, as NGINX's {@code http2_max_concurrent_streams}
   * (HAProxy allows 100); each holds at most a window of each direction.
   */
  static final int MAX_CONCURRENT_STREAMS = 128;

  /** The largest request head (HPACK-decoded) a client may send, as the HTTP/1 path allows. */
  static final int MAX_HEADER_LIST_SIZE = 64 * 1024;

  private Http2Frontend() {}

  /**
   * The handlers that serve one HTTP/2 connection.
   *
   * @param secure the connection is TLS (members are told so by X-Forwarded-Proto)
   */
  public static ChannelHandler[] handlers(
      ProxyContext proxy,
      int port,
      ListenerTimeouts timeouts,
      ListenerMetrics metrics,
      boolean secure) {
    StreamListener listener = new StreamListener(proxy, port, timeouts, metrics, secure);
    return new ChannelHandler[] {
      // Every stream's response flushes; within one read batch those flushes become one write.
      new FlushConsolidationHandler(256, true),
      new StreamStateGuard(),
      Http2FrameCodecBuilder.forServer()
          .initialSettings(
              Http2Settings.defaultSettings()
                  .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                  .maxHeaderListSize(MAX_HEADER_LIST_SIZE)
                  // RFC 8441: clients may open WebSockets with an extended CONNECT.
                  .connectProtocolEnabled(true))
          .build(),
      new Http2MultiplexHandler(
          new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
              stream.config().setAutoRead(false);
              stream
                  .pipeline()
                  .addLast(
                      new RequestHeadCheck(),
                      new Http2StreamFrameToHttpObjectCodec(true),
                      new StreamExchange(listener));
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
