package dev.elbow.dataplane.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The guard alone: frame headers read across any split of the bytes, and what it refuses. */
class StreamStateGuardTest {

  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST = 3;
  private static final int END_STREAM = 1;

  @Test
  void trailersAndBodiesOfOpenStreamsPassEvenOneByteAtATime() {
    byte[] bytes =
        connection(
            frame(HEADERS, 0, 1, 5),
            frame(DATA, 0, 1, 100),
            frame(HEADERS, END_STREAM, 1, 3), // trailers
            frame(HEADERS, END_STREAM, 3, 5),
            frame(HEADERS, 0, 5, 5),
            frame(RST, 0, 5, 4),
            frame(HEADERS, END_STREAM, 7, 5));
    Received received = feedByteByByte(bytes);
    assertThat(received.error).isNull();
    assertThat(received.bytes).isEqualTo(bytes.length);
  }

  @Test
  void headersOnAStreamTheClientEndedIsStreamClosed() {
    Received received =
        feed(connection(frame(HEADERS, END_STREAM, 1, 5), frame(HEADERS, END_STREAM, 1, 5)));
    assertThat(received.error).isEqualTo(Http2Error.STREAM_CLOSED);
    assertThat(received.bytes).as("the first stream still reaches the codec").isEqualTo(24 + 14);
  }

  @Test
  void headersAfterTheClientsOwnResetIsStreamClosed() {
    Received received =
        feed(connection(frame(HEADERS, 0, 1, 5), frame(RST, 0, 1, 4), frame(HEADERS, 0, 1, 5)));
    assertThat(received.error).isEqualTo(Http2Error.STREAM_CLOSED);
  }

  @Test
  void aLowerNeverOpenedStreamIsAProtocolError() {
    Received received =
        feed(connection(frame(HEADERS, END_STREAM, 5, 5), frame(HEADERS, END_STREAM, 3, 5)));
    assertThat(received.error).isEqualTo(Http2Error.PROTOCOL_ERROR);
  }

  private record Received(Http2Error error, int bytes) {}

  private static Received feed(byte[] bytes) {
    return run(bytes, bytes.length);
  }

  private static Received feedByteByByte(byte[] bytes) {
    return run(bytes, 1);
  }

  private static Received run(byte[] bytes, int piece) {
    Http2Error[] error = new Http2Error[1];
    int[] passed = new int[1];
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new StreamStateGuard(),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passed[0] += ((ByteBuf) msg).readableBytes();
                ((ByteBuf) msg).release();
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                error[0] = ((Http2Exception) cause).error();
              }
            });
    for (int i = 0; i < bytes.length; i += piece) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
    }
    channel.finishAndReleaseAll();
    return new Received(error[0], passed[0]);
  }

  private static byte[] connection(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    for (byte[] frame : frames) {
      out.writeBytes(frame);
    }
    return out.toByteArray();
  }

  private static byte[] frame(int type, int flags, int stream, int length) {
    byte[] frame = new byte[9 + length];
    frame[0] = (byte) (length >>> 16);
    frame[1] = (byte) (length >>> 8);
    frame[2] = (byte) length;
    frame[3] = (byte) type;
    frame[4] = (byte) flags;
    frame[5] = (byte) (stream >>> 24);
    frame[6] = (byte) (stream >>> 16);
    frame[7] = (byte) (stream >>> 8);
    frame[8] = (byte) stream;
    return frame;
  }
}
