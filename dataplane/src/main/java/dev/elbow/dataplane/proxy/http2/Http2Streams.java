package dev.elbow.dataplane.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the streams of one client HTTP/2 connection from the connection's own pipeline: each
 * stream's frames go to what serves it (a {@link StreamExchange}, or a {@link WebSocketStream} for
 * an extended CONNECT), found by stream id. Netty's {@code Http2MultiplexHandler} would give each
 * stream a channel of its own, with a pipeline, promises and a read queue; in an h2load profile
 * that was the largest cost left on the stream path, where HAProxy moves buffers between streams
 * directly. Read-side backpressure is the client's flow-control window ({@link ClientStream}).
 *
 * <p>A malformed request head (RFC 9113 8.3.1, {@link RequestHeadCheck}) resets its stream with
 * PROTOCOL_ERROR; a frame the codec finds breaking the protocol on one stream resets it with the
 * RFC's code. The connection and its other streams go on in both cases.
 */
final class Http2Streams extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(Http2Streams.class);

  private final StreamListener listener;
  private final IntObjectMap<Served> streams = new IntObjectHashMap<>();
  private ChannelHandlerContext ctx;
  private Http2Connection codec;
  private ChannelPromise quiet;

  /** An open stream and what serves it. */
  private record Served(ClientStream end, ClientStreamHandler handler) {}

  Http2Streams(StreamListener listener) {
    this.listener = listener;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    codec = ctx.pipeline().get(Http2FrameCodec.class).connection();
    quiet = new VoidChannelPromise(ctx.channel(), false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2HeadersFrame headers) {
      headers(headers);
    } else if (msg instanceof Http2DataFrame data) {
      data(data);
    } else {
      // SETTINGS, PING, GOAWAY, RST_STREAM, PRIORITY: the codec has acted on them (a reset's
      // stream closes, and its handler hears of it as a state change).
      ReferenceCountUtil.release(msg);
    }
  }

  private void headers(Http2HeadersFrame frame) {
    int id = frame.stream().id();
    Served served = streams.get(id);
    if (served == null) {
      if (RequestHeadCheck.malformedHead(frame.headers())) {
        refuse(frame.stream());
        return;
      }
      ClientStream end = new ClientStream(ctx, frame.stream(), codec, quiet);
      ClientStreamHandler handler =
          WebSocketStream.asksForWebSocket(frame.headers())
              ? new WebSocketStream(listener, end)
              : new StreamExchange(listener, end, null);
      served = new Served(end, handler);
      streams.put(id, served);
    } else if (!(served.handler() instanceof WebSocketStream)
        && RequestHeadCheck.malformedTrailers(frame.headers())) {
      streams.remove(id);
      served.end().reset(Http2Error.PROTOCOL_ERROR);
      served.handler().clientClosed();
      return;
    }
    deliver(served, frame);
  }

  private void data(Http2DataFrame frame) {
    Served served = streams.get(frame.stream().id());
    if (served == null) {
      // A stream refused above: its window is given back, as the codec does for closed streams.
      int bytes = frame.initialFlowControlledBytes();
      frame.release();
      try {
        if (bytes > 0 && ClientStream.giveBack(codec, codec.stream(frame.stream().id()), bytes)) {
          ctx.flush();
        }
      } catch (Http2Exception e) {
        refuse(frame.stream());
      }
      return;
    }
    served.end().received(frame.initialFlowControlledBytes());
    deliver(served, frame);
  }

  private void deliver(Served served, Http2StreamFrame frame) {
    try {
      served.handler().frame(frame);
    } catch (RuntimeException e) {
      failed(served, frame.stream(), e);
    }
  }

  /** A bug in what serves one stream costs that stream, not the connection. */
  private void failed(Served served, Http2FrameStream stream, RuntimeException cause) {
    LOG.warn("HTTP/2 stream {} failed", stream.id(), cause);
    if (streams.remove(stream.id()) != null) {
      served.end().reset(Http2Error.INTERNAL_ERROR);
      served.handler().clientClosed();
    }
  }

  private void refuse(Http2FrameStream stream) {
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR).stream(stream), quiet);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (!(event instanceof Http2FrameStreamEvent change)) {
      ctx.fireUserEventTriggered(event);
      return;
    }
    Http2FrameStream stream = change.stream();
    Served served = streams.get(stream.id());
    if (served == null) {
      return;
    }
    if (change.type() == Http2FrameStreamEvent.Type.Writability) {
      served.handler().clientWritable();
    } else if (stream.state() == Http2Stream.State.CLOSED) {
      streams.remove(stream.id());
      served.handler().clientClosed();
    }
  }

  /**
   * A stream error the codec found (a frame that breaks the protocol on one stream): the stream is
   * reset with the RFC's code, as the codec leaves to the handler of streams.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof Http2FrameStreamException error)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    Http2FrameStream stream = error.stream();
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(error.error()).stream(stream), quiet);
    Served served = streams.remove(stream.id());
    if (served != null) {
      served.handler().clientClosed();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The codec closes every stream as the connection goes; whatever is left ends here.
    if (!streams.isEmpty()) {
      ArrayList<Served> left = new ArrayList<>(streams.values());
      streams.clear();
      left.forEach(served -> served.handler().clientClosed());
    }
    ctx.fireChannelInactive();
  }
}
