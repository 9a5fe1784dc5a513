package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.health.FailureReasons;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The streams of one multiplexed HTTP/2 connection to a member, served from the connection's own
 * pipeline: a stream's frames go to its {@link MemberStream}, found by stream id, as {@link
 * Http2Streams} does for clients. Netty's {@code Http2MultiplexHandler} would give each stream a
 * child channel with its own pipeline, promises and read queue, the largest cost left on the gRPC
 * path. The connection closes itself when idle with no stream, and when the member sent GOAWAY and
 * its last stream ended.
 */
final class MemberStreams extends Http2ChannelDuplexHandler {

  private final IntObjectMap<MemberStream> streams = new IntObjectHashMap<>();
  // Streams that had frames in the current read batch.
  private final List<MemberStream> batch = new ArrayList<>();
  private ChannelHandlerContext ctx;
  private Http2Connection codec;
  private ChannelPromise quiet;

  @Override
  protected void handlerAdded0(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    codec = ctx.pipeline().get(Http2FrameCodec.class).connection();
    // A write to a stream the member reset meanwhile fails; that is not a connection error.
    quiet = new VoidChannelPromise(ctx.channel(), false);
  }

  /** A new stream for an exchange; it opens when its HEADERS are sent. */
  MemberStream open(boolean connectionReused) {
    return new MemberStream(this, newStream(), connectionReused);
  }

  Http2Connection codec() {
    return codec;
  }

  void register(MemberStream stream) {
    streams.put(stream.id(), stream);
  }

  void write(Http2StreamFrame frame) {
    ctx.write(frame, quiet);
  }

  void writeAndFlush(Object frame) {
    ctx.writeAndFlush(frame, quiet);
  }

  void flush() {
    ctx.flush();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2StreamFrame frame && frame.stream() != null) {
      MemberStream stream = streams.get(frame.stream().id());
      if (stream == null) {
        giveBack(frame); // a stream already forgotten
        return;
      }
      if (!stream.inReadBatch) {
        stream.inReadBatch = true;
        batch.add(stream);
      }
      stream.frame(frame);
      return;
    }
    // SETTINGS, PING, GOAWAY: the codec has acted on them. After a GOAWAY no new stream comes
    // here (Http2MemberConnections checks); the open ones finish.
    ReferenceCountUtil.release(msg);
    if (msg instanceof Http2GoAwayFrame && codec.numActiveStreams() == 0) {
      ctx.close();
    }
  }

  private void giveBack(Http2StreamFrame frame) {
    int bytes = frame instanceof Http2DataFrame data ? data.initialFlowControlledBytes() : 0;
    ReferenceCountUtil.release(frame);
    try {
      if (bytes > 0 && ClientStream.giveBack(codec, codec.stream(frame.stream().id()), bytes)) {
        ctx.flush();
      }
    } catch (Http2Exception e) {
      ctx.close(); // the window accounting is off: this connection cannot be trusted
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (int i = 0; i < batch.size(); i++) {
      MemberStream stream = batch.get(i);
      stream.inReadBatch = false;
      stream.readComplete();
    }
    batch.clear();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      if (codec.numActiveStreams() == 0) {
        ctx.close();
      }
      return;
    }
    if (!(event instanceof Http2FrameStreamEvent change)) {
      ctx.fireUserEventTriggered(event);
      return;
    }
    MemberStream stream = streams.get(change.stream().id());
    if (stream == null) {
      return;
    }
    if (change.type() == Http2FrameStreamEvent.Type.Writability) {
      stream.writabilityChanged();
    } else if (change.stream().state() == Http2Stream.State.CLOSED) {
      streams.remove(stream.id());
      stream.closed("reset the stream before the response was whole");
      if (codec.goAwayReceived() && codec.numActiveStreams() == 0) {
        ctx.close();
      }
    }
  }

  /** A frame that breaks the protocol on one stream: that stream fails, the others go on. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException error) {
      MemberStream stream = streams.remove(error.stream().id());
      if (stream != null) {
        stream.failed(FailureReasons.ofTraffic(cause));
      }
      return;
    }
    ctx.close(); // a connection error: every stream fails as it closes
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!streams.isEmpty()) {
      List<MemberStream> left = new ArrayList<>(streams.values());
      streams.clear();
      left.forEach(s -> s.closed("closed the connection before the response was whole"));
    }
    ctx.fireChannelInactive();
  }
}
