package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.DrainRequested;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.WeightedFairQueueByteDistributor;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * HTTP/2 from clients (over TLS by ALPN, or cleartext with prior knowledge), each stream proxied to
 * a member by a {@link StreamExchange}, as frames, streamed both ways.
 *
 * <p>HTTP/2 has flow control of its own, so the connection reads on its own (auto-read on) and the
 * windows hold a fast sender back: each stream opens the client's window only as fast as its member
 * takes the body, and reads its member only while the client's window is open. The streams are
 * served from the connection's pipeline ({@link Http2Streams}), without a channel each.
 */
public final class Http2Frontend {

  /**
   * Streams a client may have open at once, as NGINX's {@code http2_max_concurrent_streams}
   * (HAProxy allows 100); each holds at most a window of each direction.
   */
  static final int MAX_CONCURRENT_STREAMS = 128;

  /** The largest request head (HPACK-decoded) a client may send, as the HTTP/1 path allows. */
  static final int MAX_HEADER_LIST_SIZE = 64 * 1024;

  /** The DATA frame size every client allows (SETTINGS_MAX_FRAME_SIZE's initial value). */
  private static final int FRAME_BYTES = 16 * 1024;

  /** Bytes a client connection may have queued to send before its streams pause. */
  private static final int CONNECTION_BUFFER_BYTES = 256 * 1024;

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
      new WholeFrameCodecBuilder()
          .initialSettings(
              Http2Settings.defaultSettings()
                  .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                  .maxHeaderListSize(MAX_HEADER_LIST_SIZE)
                  // RFC 8441: clients may open WebSockets with an extended CONNECT.
                  .connectProtocolEnabled(true))
          .build(),
      new Http2Streams(listener),
      new DrainRequested.ClosesHttp2(),
      new AutoRead()
    };
  }

  /**
   * Netty's server codec with a flow controller that hands each stream at least a whole DATA frame
   * (16 KiB, the default largest) when it writes. Netty's default hands out 1 KiB at a time, so
   * with many streams sending at once each write became a 1 KiB frame, with its header, promise and
   * TLS share: large responses cost the proxy half again as much CPU.
   */
  private static final class WholeFrameCodecBuilder extends Http2FrameCodecBuilder {
    WholeFrameCodecBuilder() {
      DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
      WeightedFairQueueByteDistributor distributor =
          new WeightedFairQueueByteDistributor(connection);
      distributor.allocationQuantum(FRAME_BYTES);
      connection
          .remote()
          .flowController(new DefaultHttp2RemoteFlowController(connection, distributor));
      connection(connection);
    }
  }

  /**
   * Turns auto-read on once the HTTP/2 handlers are in place, and lets the connection hold as many
   * encrypted bytes as the TCP relay does before streams stop writing: with Netty's 64 KiB, one
   * write turn shared among dozens of streams left each a fraction of a frame.
   */
  private static final class AutoRead extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.channel().config().setAutoRead(true);
      ctx.channel()
          .config()
          .setWriteBufferWaterMark(
              new WriteBufferWaterMark(CONNECTION_BUFFER_BYTES / 2, CONNECTION_BUFFER_BYTES));
      ctx.pipeline().remove(this);
    }
  }
}
