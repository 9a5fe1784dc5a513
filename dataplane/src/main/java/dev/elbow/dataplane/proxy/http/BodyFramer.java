package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a message body ends in the bytes that follow its head, without changing them: the
 * proxy forwards a body exactly as it came and only needs to know where it stops, so the next
 * message on the connection is not taken for part of it. Chunked framing is checked strictly on the
 * way (hex sizes, CRLFs, trailer lines); a body that breaks it fails the exchange.
 */
final class BodyFramer {

  private static final int NONE = 0;
  private static final int LENGTH = 1;
  private static final int CHUNKED = 2;
  private static final int UNTIL_CLOSE = 3;

  // Chunked states.
  private static final int SIZE = 0;
  private static final int EXTENSION = 1;
  private static final int SIZE_LF = 2;
  private static final int DATA = 3;
  private static final int DATA_CR = 4;
  private static final int DATA_LF = 5;
  private static final int TRAILER_START = 6;
  private static final int TRAILER = 7;
  private static final int TRAILER_LF = 8;
  private static final int END_LF = 9;
  private static final int DONE = 10;

  /** Bytes of a chunk-size line accepted: sixteen hex digits and a modest extension. */
  private static final int MAX_SIZE_LINE = 1024;

  /** Bytes of trailer fields accepted. */
  private static final int MAX_TRAILER = 8 * 1024;

  /**
   * Told where the data of a chunked body lies and what its trailer section holds, for a reader
   * that takes the chunks apart rather than forwarding them as they came.
   */
  interface Chunks {
    /** Chunk data at [index, index + length) of the buffer scanned. */
    void data(int index, int length);

    /** The next byte of the trailer section: its field lines, each ended by one LF. */
    void trailer(byte b);
  }

  private Chunks chunks;
  private int mode;
  private long remaining;
  private int state;
  private int digits;
  private int lineBytes;
  private boolean malformed;

  /**
   * A response body, framed as its head says (RFC 9112 6.3): none for the answer to a HEAD, for 204
   * and 304; chunked; of its Content-Length; else until the member closes.
   */
  void response(Http1Head head, boolean headRequest) {
    if (headRequest || head.status == 204 || head.status == 304) {
      none();
    } else if (head.chunked) {
      chunked();
    } else if (head.contentLength >= 0 && !head.otherCoding) {
      length(head.contentLength);
    } else {
      untilClose();
    }
  }

  /** A message without a body. */
  void none() {
    mode = NONE;
  }

  /** A body of exactly {@code length} bytes. */
  void length(long length) {
    mode = length > 0 ? LENGTH : NONE;
    remaining = length;
  }

  /** A chunked body. */
  void chunked() {
    mode = CHUNKED;
    state = SIZE;
    remaining = 0;
    digits = 0;
    lineBytes = 0;
    malformed = false;
  }

  /** A response body that ends when the member closes the connection. */
  void untilClose() {
    mode = UNTIL_CLOSE;
  }

  boolean isUntilClose() {
    return mode == UNTIL_CLOSE;
  }

  /** Whether the whole body has been seen. */
  boolean done() {
    return mode == NONE || (mode == LENGTH && remaining == 0) || (mode == CHUNKED && state == DONE);
  }

  /** Whether chunked framing was broken. */
  boolean malformed() {
    return malformed;
  }

  /**
   * How many of the readable bytes, from the reader index on, belong to the body. Reads nothing and
   * moves no index. Once {@link #done()}, the bytes after those counted belong to the next message.
   */
  int scan(ByteBuf buf) {
    return scan(buf, null);
  }

  /**
   * As {@link #scan(ByteBuf)}, telling {@code chunks} (when not null) where the data of a chunked
   * body lies and what its trailers are.
   */
  int scan(ByteBuf buf, Chunks chunks) {
    this.chunks = chunks;
    int readable = buf.readableBytes();
    return switch (mode) {
      case NONE -> 0;
      case LENGTH -> {
        int n = (int) Math.min(remaining, readable);
        remaining -= n;
        yield n;
      }
      case UNTIL_CLOSE -> readable;
      default -> scanChunked(buf, buf.readerIndex(), readable);
    };
  }

  private int scanChunked(ByteBuf buf, int start, int readable) {
    int i = 0;
    while (i < readable && state != DONE && !malformed) {
      if (state == DATA) {
        int n = (int) Math.min(remaining, readable - i);
        if (chunks != null && n > 0) {
          chunks.data(start + i, n);
        }
        i += n;
        remaining -= n;
        if (remaining == 0) {
          state = DATA_CR;
        }
        continue;
      }
      step(buf.getByte(start + i));
      i++;
    }
    return malformed ? -1 : i;
  }

  private void step(byte b) {
    switch (state) {
      case SIZE -> {
        int hex = hex(b);
        if (hex >= 0) {
          if (++digits > 15) {
            malformed = true; // a size that cannot be real
          }
          remaining = remaining * 16 + hex;
        } else if (digits > 0 && (b == ';' || b == ' ' || b == '\t')) {
          state = EXTENSION;
        } else if (digits > 0 && b == '\r') {
          state = SIZE_LF;
        } else {
          malformed = true;
        }
      }
      case EXTENSION -> {
        if (b == '\r') {
          state = SIZE_LF;
        } else if (++lineBytes > MAX_SIZE_LINE || b == '\n' || (b >= 0 && b < 0x20 && b != '\t')) {
          malformed = true;
        }
      }
      case SIZE_LF -> {
        if (b != '\n') {
          malformed = true;
        } else if (remaining == 0) {
          state = TRAILER_START; // the last chunk
          lineBytes = 0;
        } else {
          state = DATA;
        }
      }
      case DATA_CR -> {
        malformed = b != '\r';
        state = DATA_LF;
      }
      case DATA_LF -> {
        malformed = b != '\n';
        state = SIZE;
        digits = 0;
        lineBytes = 0;
      }
      case TRAILER_START -> {
        if (b == '\r') {
          state = END_LF;
        } else if (b == ' ' || b == '\t' || b == '\n') {
          malformed = true;
        } else {
          state = TRAILER;
          trailerByte(b);
        }
      }
      case TRAILER -> {
        if (b == '\r') {
          if (chunks != null) {
            chunks.trailer((byte) '\n'); // one LF per field line for the reader
          }
          state = TRAILER_LF;
        } else {
          trailerByte(b);
        }
      }
      case TRAILER_LF -> {
        malformed = b != '\n';
        state = TRAILER_START;
      }
      case END_LF -> {
        malformed = b != '\n';
        state = DONE;
      }
      default -> malformed = true;
    }
  }

  private void trailerByte(byte b) {
    if (chunks != null) {
      chunks.trailer(b);
    }
    if (++lineBytes > MAX_TRAILER || b == '\n' || (b >= 0 && b < 0x20 && b != '\t')) {
      malformed = true;
    }
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
