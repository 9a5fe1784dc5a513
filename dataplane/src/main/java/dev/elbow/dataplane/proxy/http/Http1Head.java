package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * The parsed head of one HTTP/1.x message, as positions into the buffer it was read from: nothing
 * is copied or allocated per message. One instance per connection and direction is reused for every
 * message; {@link Http1HeadParser} fills it.
 */
final class Http1Head {

  /** Header lines a head may have; more are refused (431 for requests). */
  static final int MAX_HEADERS = 100;

  // Request line: method and request target. Status line: the code and the reason phrase.
  int methodStart;
  int methodEnd;
  int targetStart;
  int targetEnd;
  int status;
  int reasonStart;
  int reasonEnd;
  boolean http10;

  int headerCount;
  // Sized for common heads and grown on demand: every connection has two of these.
  int[] nameStart = new int[16];
  int[] nameEnd = new int[16];
  int[] valueStart = new int[16];
  int[] valueEnd = new int[16];
  int[] kind = new int[16];

  /** The index just past the empty line that ends the head. */
  int end;

  // What the headers say, filled in by {@link Http1HeadParser#interpret}.
  long contentLength;
  boolean chunked;

  /** A response whose Transfer-Encoding does not end in chunked: its body runs until close. */
  boolean otherCoding;

  boolean connectionClose;
  boolean connectionKeepAlive;
  boolean hasHost;
  int dropCount;

  /** Header names listed in Connection, to remove as hop-by-hop: positions of the tokens. */
  final int[] dropStart = new int[16];

  final int[] dropEnd = new int[16];

  /** The index for one more header, growing the arrays when they are full. */
  int addHeader() {
    if (headerCount == nameStart.length) {
      int size = Math.min(MAX_HEADERS, nameStart.length * 2);
      nameStart = java.util.Arrays.copyOf(nameStart, size);
      nameEnd = java.util.Arrays.copyOf(nameEnd, size);
      valueStart = java.util.Arrays.copyOf(valueStart, size);
      valueEnd = java.util.Arrays.copyOf(valueEnd, size);
      kind = java.util.Arrays.copyOf(kind, size);
    }
    return headerCount++;
  }

  void reset() {
    headerCount = 0;
    dropCount = 0;
    status = 0;
    http10 = false;
    contentLength = -1;
    chunked = false;
    otherCoding = false;
    connectionClose = false;
    connectionKeepAlive = false;
    hasHost = false;
  }

  /** The method of a request head equals {@code method} (upper case ASCII). */
  boolean methodIs(ByteBuf buf, byte[] method) {
    if (methodEnd - methodStart != method.length) {
      return false;
    }
    for (int i = 0; i < method.length; i++) {
      if (buf.getByte(methodStart + i) != method[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the client wants to keep the connection after this exchange. */
  boolean keepAlive() {
    return http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
  }

  /** Whether the request has a body: Content-Length above zero, or chunked. */
  boolean hasBody() {
    return chunked || contentLength > 0;
  }
}
