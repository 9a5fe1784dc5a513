package dev.elbow.dataplane.proxy.http2;

import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One stream of a multiplexed HTTP/2 connection to a member, as its {@link StreamExchange} sees it:
 * the exchange's frames go out through the connection's codec tagged with the stream, and the
 * response's frames come to the exchange as they arrive ({@link MemberStreams} finds the stream by
 * id). There is no channel per stream.
 *
 * <p>The member's flow-control window is the read side: the DATA bytes it sent are given back only
 * when the exchange asks for more, once the client took what came, so a stream holds at most a
 * window of response. A stream ended early is reset (CANCEL) and its connection carries the others.
 */
final class MemberStream implements MemberEnd {

  private final MemberStreams connection;
  private final Http2FrameStream stream;
  private final boolean connectionReused;
  private StreamExchange owner;
  private boolean answered;
  // DATA bytes the member sent and not yet given back to its window.
  private int unconsumed;
  // Part of the current read batch: the exchange hears of its end (MemberStreams).
  boolean inReadBatch;

  /**
   * @param connectionReused the stream opened on a connection that carried streams before
   */
  MemberStream(MemberStreams connection, Http2FrameStream stream, boolean connectionReused) {
    this.connection = connection;
    this.stream = stream;
    this.connectionReused = connectionReused;
  }

  int id() {
    return stream.id();
  }

  @Override
  public void attach(StreamExchange exchange) {
    owner = exchange;
  }

  @Override
  public boolean reused() {
    return connectionReused;
  }

  @Override
  public void send(Http2StreamFrame frame) {
    boolean opening = stream.id() < 0;
    connection.write(frame.stream(stream));
    if (opening && stream.id() > 0) {
      connection.register(this); // the codec gave the stream its id as it wrote the HEADERS
    }
  }

  @Override
  public void flush() {
    connection.flush();
  }

  @Override
  public void read() {
    if (unconsumed > 0) {
      int bytes = unconsumed;
      unconsumed = 0;
      try {
        if (ClientStream.giveBack(connection.codec(), state(), bytes)) {
          connection.flush();
        }
      } catch (Http2Exception e) {
        failed("flow control: " + e.getMessage()); // more given back than read: a bug, ours
      }
    }
  }

  @Override
  public boolean isWritable() {
    Http2Stream state = state();
    return state == null
        ? stream.id() < 0 // not opened yet: its HEADERS go out first
        : state.state() != Http2Stream.State.CLOSED
            && connection.codec().remote().flowController().isWritable(state);
  }

  @Override
  public void release(boolean requestWhole) {
    owner = null;
    endStream();
  }

  @Override
  public void drop() {
    owner = null;
    endStream();
  }

  /** Resets the stream unless it is closed both ways; gives back what it held of the window. */
  private void endStream() {
    Http2Stream state = state();
    if (state != null && state.state() != Http2Stream.State.CLOSED) {
      connection.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));
    }
    read();
  }

  private Http2Stream state() {
    return stream.id() < 0 ? null : connection.codec().stream(stream.id());
  }

  /** A frame of the response. */
  void frame(Http2StreamFrame frame) {
    if (frame instanceof Http2DataFrame data) {
      unconsumed += data.initialFlowControlledBytes();
    }
    StreamExchange current = owner;
    if (current == null) {
      ReferenceCountUtil.release(frame); // the exchange ended first (the client went away)
      read();
      return;
    }
    answered = true;
    current.fromMember(this, frame);
  }

  /** The read batch this stream had frames in is over. */
  void readComplete() {
    if (owner != null) {
      owner.memberReadComplete();
    }
  }

  void writabilityChanged() {
    if (owner != null && isWritable()) {
      owner.memberWritable();
    }
  }

  /** The stream closed (both ways, or reset) or its connection went. */
  void closed(String why) {
    StreamExchange current = owner;
    owner = null;
    if (current != null) {
      current.memberFailed(this, why, answered);
    }
  }

  /** The member broke the protocol on this stream, or giving its window back failed. */
  void failed(String why) {
    StreamExchange current = owner;
    owner = null;
    endStream();
    if (current != null) {
      current.memberFailed(this, why, answered);
    }
  }
}
