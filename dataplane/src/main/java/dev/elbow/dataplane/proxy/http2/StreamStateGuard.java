package dev.elbow.dataplane.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * Holds a client to the stream states of RFC 9113 section 5.1 where Netty's codec is lenient: a
 * HEADERS frame on a stream the client itself has ended (END_STREAM or RST_STREAM) is a connection
 * error STREAM_CLOSED, and one on a lower, never-opened stream identifier (5.1.1) a connection
 * error PROTOCOL_ERROR. Netty ignores both once the stream is gone, which lets a broken or hostile
 * client carry on as though its frames had meaning.
 *
 * <p>It sits in front of the codec and reads only the 9-byte frame headers as they pass, keeping no
 * bytes and allocating nothing per frame. What the client has open is judged from the client's own
 * frames, so a stream the proxy reset while the client was still sending stays open here and its
 * frames in flight are ignored by the codec, as the RFC asks. On a violation the bytes before the
 * offending frame still reach the codec, which then sends GOAWAY with the code and closes.
 */
final class StreamStateGuard extends ChannelInboundHandlerAdapter {

  /** "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", which the codec checks. */
  private static final int PREFACE_BYTES = 24;

  private static final int FRAME_HEAD_BYTES = 9;
  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int END_STREAM = 0x1;

  /**
   * Streams open from the client's side that are tracked; past this (a client that leaves more than
   * this many streams the proxy reset unfinished) the guard stands aside and the codec's own
   * leniency applies, so memory stays bounded.
   */
  private static final int MAX_TRACKED = 1024;

  /** Recently ended streams, to tell STREAM_CLOSED from PROTOCOL_ERROR. */
  private static final int RECENT = 64;

  private int prefaceLeft = PREFACE_BYTES;
  private final byte[] head = new byte[FRAME_HEAD_BYTES];
  private int headFilled;
  private long payloadLeft;
  private int highestStream;
  private int[] open = new int[16];
  private int openCount;
  private final int[] recentlyEnded = new int[RECENT];
  private int recentNext;
  private boolean standingAside;
  private boolean failed;
  private Http2Error violation;
  private int violationStream;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg); // the connection is being closed
      return;
    }
    if (standingAside || !(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    int offending = inspect(bytes);
    if (offending < 0) {
      ctx.fireChannelRead(bytes);
      return;
    }
    failed = true;
    int before = offending - bytes.readerIndex();
    if (before > 0) {
      ctx.fireChannelRead(bytes.retainedSlice(bytes.readerIndex(), before));
    }
    bytes.release();
    ctx.fireExceptionCaught(
        Http2Exception.connectionError(
            violation,
            violation == Http2Error.STREAM_CLOSED
                ? "HEADERS on stream %d, which the client had ended"
                : "HEADERS on stream %d, below the highest stream the client opened",
            violationStream));
  }

  /** Reads the frame headers in these bytes; the offset of an offending frame, or -1. */
  private int inspect(ByteBuf bytes) {
    int i = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (i < end) {
      if (prefaceLeft > 0) {
        int n = Math.min(prefaceLeft, end - i);
        prefaceLeft -= n;
        i += n;
        continue;
      }
      if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, end - i);
        payloadLeft -= n;
        i += n;
        continue;
      }
      int frameStart = Math.max(bytes.readerIndex(), i - headFilled);
      while (headFilled < FRAME_HEAD_BYTES && i < end) {
        head[headFilled++] = bytes.getByte(i++);
      }
      if (headFilled < FRAME_HEAD_BYTES) {
        return -1; // the rest of the header comes with the next read
      }
      headFilled = 0;
      payloadLeft = ((head[0] & 0xffL) << 16) | ((head[1] & 0xffL) << 8) | (head[2] & 0xffL);
      int stream =
          ((head[5] & 0x7f) << 24)
              | ((head[6] & 0xff) << 16)
              | ((head[7] & 0xff) << 8)
              | (head[8] & 0xff);
      if (!allowed(head[3] & 0xff, head[4] & 0xff, stream)) {
        return frameStart;
      }
      if (standingAside) {
        return -1;
      }
    }
    return -1;
  }

  /** Whether the frame keeps to the client's stream states; updates them. */
  private boolean allowed(int type, int flags, int stream) {
    if ((stream & 1) == 0) {
      return true; // stream 0 and even streams: the codec's to judge
    }
    boolean ends = (flags & END_STREAM) != 0;
    switch (type) {
      case HEADERS -> {
        if (stream > highestStream) {
          highestStream = stream;
          if (ends) {
            remember(stream);
          } else {
            track(stream);
          }
          return true;
        }
        int at = indexOf(stream);
        if (at >= 0) {
          if (ends) {
            end(at, stream); // trailers
          }
          return true;
        }
        violationStream = stream;
        violation = endedRecently(stream) ? Http2Error.STREAM_CLOSED : Http2Error.PROTOCOL_ERROR;
        return false;
      }
      case DATA -> {
        int at = ends ? indexOf(stream) : -1;
        if (at >= 0) {
          end(at, stream);
        }
        return true; // DATA on a closed stream is a stream error the codec answers
      }
      case RST_STREAM -> {
        int at = indexOf(stream);
        if (at >= 0) {
          end(at, stream);
        }
        return true;
      }
      default -> {
        return true;
      }
    }
  }

  private void track(int stream) {
    if (openCount == MAX_TRACKED) {
      standingAside = true;
      return;
    }
    if (openCount == open.length) {
      open = Arrays.copyOf(open, open.length * 2);
    }
    open[openCount++] = stream;
  }

  private int indexOf(int stream) {
    for (int i = 0; i < openCount; i++) {
      if (open[i] == stream) {
        return i;
      }
    }
    return -1;
  }

  private void end(int at, int stream) {
    open[at] = open[--openCount];
    remember(stream);
  }

  private void remember(int stream) {
    recentlyEnded[recentNext] = stream;
    recentNext = (recentNext + 1) % RECENT;
  }

  private boolean endedRecently(int stream) {
    for (int ended : recentlyEnded) {
      if (ended == stream) {
        return true;
      }
    }
    return false;
  }
}
