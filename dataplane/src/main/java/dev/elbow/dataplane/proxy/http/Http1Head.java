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
  final int[] nameStart = new int[MAX_HEADERS];
  final int[] nameEnd = new int[MAX_HEADERS];
  final int[] valueStart = new int[MAX_HEADERS];
  final int[] valueEnd = new int[MAX_HEADERS];
  final int[] kind = new int[MAX_HEADERS];

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
