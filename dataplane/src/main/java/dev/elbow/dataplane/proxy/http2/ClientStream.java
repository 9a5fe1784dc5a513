package dev.elbow.dataplane.proxy.http2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;

/**
 * One client stream of an HTTP/2 connection, as the exchange on it sees it. Frames are written
 * through the connection's codec, tagged with the stream; there is no channel per stream.
 *
 * <p>The client's flow-control window is the stream's read side: the bytes of DATA the client sent
 * are given back to its window ({@code WINDOW_UPDATE}) only when the exchange asks for more, that
 * is once the member has taken them, so a stream holds at most a window of request body. Once the
 * exchange is over, whatever else arrives is given back at once, so an abandoned stream never holds
 * the connection's window.
 */
final class ClientStream implements ClientEnd {

  private final ChannelHandlerContext connection;
  private final Http2FrameStream stream;
  private final Http2Stream state;
  private final Http2Connection codecConnection;
  private final ChannelPromise quiet;
  // DATA bytes read from the client and not yet given back to its window.
  private int unconsumed;
  private boolean done;

  /**
   * @param quiet a void promise that fires no exception: a write to a stream the client reset
   *     meanwhile fails, and that must not be taken for a connection error
   */
  ClientStream(
      ChannelHandlerContext connection,
      Http2FrameStream stream,
      Http2Connection codecConnection,
      ChannelPromise quiet) {
    this.connection = connection;
    this.stream = stream;
    this.codecConnection = codecConnection;
    this.state = codecConnection.stream(stream.id());
    this.quiet = quiet;
  }

  @Override
  public String protocol() {
    return "HTTP/2";
  }

  @Override
  public Channel connection() {
    return connection.channel();
  }

  @Override
  public void send(Http2StreamFrame frame) {
    connection.write(frame.stream(stream), quiet);
  }

  @Override
  public void flush() {
    connection.flush();
  }

  /** The client sent {@code bytes} of DATA (padding included) on this stream. */
  void received(int bytes) {
    unconsumed += bytes;
    if (done) {
      read();
    }
  }

  @Override
  public void read() {
    if (unconsumed > 0) {
      int bytes = unconsumed;
      unconsumed = 0;
      try {
        if (giveBack(codecConnection, state, bytes)) {
          connection.flush(); // consolidated with the read batch's (FlushConsolidationHandler)
        }
      } catch (Http2Exception e) {
        reset(e.error()); // more given back than was read: a bug, and this stream's alone
      }
    }
  }

  /**
   * Gives {@code bytes} the client sent on {@code stream} back to its windows (the stream's and the
   * connection's); true when that wrote a WINDOW_UPDATE, which the flow controller does once half a
   * window is consumed, not for every frame. Straight to the controller: a frame object and a flush
   * per DATA frame of an upload would be work on its hot path for nothing.
   */
  static boolean giveBack(Http2Connection connection, Http2Stream stream, int bytes)
      throws Http2Exception {
    if (stream == null || stream.state() == Http2Stream.State.CLOSED) {
      return false; // the controller gave a closed stream's bytes back as it closed
    }
    return connection.local().flowController().consumeBytes(stream, bytes);
  }

  @Override
  public boolean isWritable() {
    return state != null
        && state.state() != Http2Stream.State.CLOSED
        && codecConnection.remote().flowController().isWritable(state);
  }

  /** NO_ERROR: the client may stop sending; the response stands (RFC 9113 8.1). */
  @Override
  public void refuseRest() {
    reset(Http2Error.NO_ERROR);
  }

  @Override
  public void cut() {
    reset(Http2Error.INTERNAL_ERROR);
  }

  /** Resets the stream with {@code code}. */
  void reset(Http2Error code) {
    done = true;
    connection.writeAndFlush(new DefaultHttp2ResetFrame(code).stream(stream), quiet);
  }

  @Override
  public void exchangeOver(StreamExchange exchange) {
    over();
  }

  /** What serves the stream is done with it: the client's window no longer waits on it. */
  void over() {
    done = true;
    read();
  }
}
