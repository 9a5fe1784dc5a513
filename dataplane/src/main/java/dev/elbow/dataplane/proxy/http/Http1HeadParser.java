package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Parses HTTP/1.x message heads in place, into an {@link Http1Head}, without allocating.
 *
 * <p>Strict where a lenient reading could let the proxy and a backend disagree about where a
 * message ends (the root of request smuggling): one request line of exactly three parts, header
 * names of token characters with no space before the colon, no line folding, no control characters
 * in values, one consistent Content-Length, no Content-Length beside Transfer-Encoding in requests,
 * no Transfer-Encoding in HTTP/1.0 requests. Request lines end with CRLF: RFC 9112 2.2 lets a
 * recipient take a bare LF for a line end, but peers that disagree about it are a known smuggling
 * vector (CVE-2023-30589), and no real client sends one. Responses, from members the operator
 * chose, may end lines with a bare LF, since the proxy writes their heads anew with CRLF.
 */
final class Http1HeadParser {

  /** The longest head accepted. */
  static final int MAX_HEAD_BYTES = 16 * 1024;

  /**
   * The longest request line accepted; longer ones are answered 414. NGINX's default buffer for a
   * request line (large_client_header_buffers) is the same 8 KiB.
   */
  static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;

  static final int NEED_MORE = 0;
  static final int MALFORMED = -1;
  static final int TOO_LARGE = -2;
  static final int BAD_VERSION = -3;
  static final int TOO_MANY_HEADERS = -4;
  static final int BAD_FRAMING = -5;
  static final int UNSUPPORTED_CODING = -6;
  static final int URI_TOO_LONG = -7;

  /**
   * A request line whose third word does not begin with "HTTP/": whatever the peer speaks, it is
   * not HTTP/1.x (an invalid HTTP/2 preface on a cleartext listener, say), so an HTTP/1.x answer
   * would mean nothing to it.
   */
  static final int NOT_HTTP = -8;

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  /** Header values and reason phrases: HTAB, SP, visible characters and obs-text. */
  private static final ByteProcessor FIELD_CHAR =
      b -> b == '\t' || b < 0 || (b >= 0x20 && b != 0x7f);

  /** Header names and methods: token characters. */
  private static final ByteProcessor TOKEN_CHAR = b -> TCHAR[b & 0xff];

  /** Request targets: visible characters and obs-text, no space. */
  private static final ByteProcessor TARGET_CHAR = b -> b < 0 || (b > 0x20 && b != 0x7f);

  private Http1HeadParser() {}

  /** Whether [start, end) is a non-empty token (RFC 9110 5.6.2). */
  static boolean isToken(ByteBuf buf, int start, int end) {
    return start < end && buf.forEachByte(start, end - start, TOKEN_CHAR) < 0;
  }

  /**
   * Parses the head that starts at the buffer's reader index.
   *
   * @return the index just past the head when it is complete and valid; {@link #NEED_MORE} when it
   *     has not all arrived; a negative error code otherwise
   */
  static int parse(ByteBuf buf, boolean request, Http1Head head) {
    int from = buf.readerIndex();
    int to = buf.writerIndex();
    if (request) {
      // A client may send empty lines before a request; they are to be ignored (RFC 9112 2.2).
      while (from < to
          && (buf.getByte(from) == CR || buf.getByte(from) == LF)
          && from - buf.readerIndex() < 8) {
        from++;
      }
    }
    int limit = Math.min(to, from + MAX_HEAD_BYTES);
    head.reset();
    // One pass over the lines; a head that has not all arrived is parsed again from the start
    // when more comes, which is rare and cheap for heads of a few hundred bytes.
    int lf = buf.indexOf(from, limit, LF);
    if (request && (lf < 0 ? to : lf) - from > MAX_REQUEST_LINE_BYTES) {
      return URI_TOO_LONG;
    }
    if (lf < 0) {
      return needMore(from, to);
    }
    if (request && !endsWithCr(buf, from, lf)) {
      return MALFORMED;
    }
    int result =
        request
            ? requestLine(buf, from, lineEnd(buf, from, lf), head)
            : statusLine(buf, from, lineEnd(buf, from, lf), head);
    if (result < 0) {
      return result;
    }
    int pos = lf + 1;
    while (true) {
      lf = buf.indexOf(pos, limit, LF);
      if (lf < 0) {
        return needMore(from, to);
      }
      if (request && !endsWithCr(buf, pos, lf)) {
        return MALFORMED;
      }
      int e = lineEnd(buf, pos, lf);
      if (e == pos) {
        break; // the empty line
      }
      if (head.headerCount == Http1Head.MAX_HEADERS) {
        return TOO_MANY_HEADERS;
      }
      result = headerLine(buf, pos, e, head);
      if (result < 0) {
        return result;
      }
      pos = lf + 1;
    }
    int end = lf + 1;
    head.end = end;
    result = interpret(buf, head, request);
    return result < 0 ? result : end;
  }

  private static int needMore(int from, int to) {
    return to - from >= MAX_HEAD_BYTES ? TOO_LARGE : NEED_MORE;
  }

  /** Whether the line that starts at {@code start} and ends at the LF has a CR before it. */
  private static boolean endsWithCr(ByteBuf buf, int start, int lf) {
    return lf > start && buf.getByte(lf - 1) == CR;
  }

  private static int lineEnd(ByteBuf buf, int start, int lf) {
    return lf > start && buf.getByte(lf - 1) == CR ? lf - 1 : lf;
  }

  private static int requestLine(ByteBuf buf, int s, int e, Http1Head head) {
    int sp1 = buf.indexOf(s, e, (byte) ' ');
    if (sp1 <= s || buf.forEachByte(s, sp1 - s, TOKEN_CHAR) >= 0) {
      return MALFORMED;
    }
    int sp2 = buf.indexOf(sp1 + 1, e, (byte) ' ');
    if (sp2 <= sp1 + 1 || buf.forEachByte(sp1 + 1, sp2 - sp1 - 1, TARGET_CHAR) >= 0) {
      return MALFORMED;
    }
    head.methodStart = s;
    head.methodEnd = sp1;
    head.targetStart = sp1 + 1;
    head.targetEnd = sp2;
    if (!namesHttp(buf, sp1, e)) {
      // A PROXY protocol header from outside the trusted ranges is still answered 400: the
      // load balancer that sent it forwards an HTTP client and reads the answer.
      return sp1 - s == 5 && buf.toString(s, 5, StandardCharsets.US_ASCII).equals("PROXY")
          ? MALFORMED
          : NOT_HTTP;
    }
    return version(buf, sp2 + 1, e, head);
  }

  private static int statusLine(ByteBuf buf, int s, int e, Http1Head head) {
    if (e - s < 12 || version(buf, s, s + 8, head) < 0 || buf.getByte(s + 8) != ' ') {
      return MALFORMED;
    }
    int status = 0;
    for (int i = s + 9; i < s + 12; i++) {
      byte b = buf.getByte(i);
      if (b < '0' || b > '9') {
        return MALFORMED;
      }
      status = status * 10 + (b - '0');
    }
    if (status < 100) {
      return MALFORMED;
    }
    head.status = status;
    int reason = s + 12;
    if (reason < e
        && (buf.getByte(reason) != ' '
            || buf.forEachByte(reason + 1, e - reason - 1, FIELD_CHAR) >= 0)) {
      return MALFORMED;
    }
    head.reasonStart = Math.min(reason + 1, e);
    head.reasonEnd = e;
    return 0;
  }

  /**
   * Whether any word after the first space begins with "HTTP/": a line with a malformed target or
   * stray spaces still names HTTP and gets a 400; one that names no version at all is not HTTP.
   */
  private static boolean namesHttp(ByteBuf buf, int sp1, int e) {
    for (int sp = sp1; sp >= 0 && sp + 5 < e; sp = buf.indexOf(sp + 1, e, (byte) ' ')) {
      if (buf.getByte(sp + 1) == 'H'
          && buf.getByte(sp + 2) == 'T'
          && buf.getByte(sp + 3) == 'T'
          && buf.getByte(sp + 4) == 'P'
          && buf.getByte(sp + 5) == '/') {
        return true;
      }
    }
    return false;
  }

  /** "HTTP/1.1" or "HTTP/1.0" exactly. */
  private static int version(ByteBuf buf, int s, int e, Http1Head head) {
    if (e - s != 8
        || buf.getByte(s) != 'H'
        || buf.getByte(s + 1) != 'T'
        || buf.getByte(s + 2) != 'T'
        || buf.getByte(s + 3) != 'P'
        || buf.getByte(s + 4) != '/') {
      return MALFORMED;
    }
    if (buf.getByte(s + 5) != '1' || buf.getByte(s + 6) != '.') {
      return BAD_VERSION;
    }
    byte minor = buf.getByte(s + 7);
    if (minor != '0' && minor != '1') {
      return BAD_VERSION;
    }
    head.http10 = minor == '0';
    return 0;
  }

  private static int headerLine(ByteBuf buf, int s, int e, Http1Head head) {
    byte first = buf.getByte(s);
    if (first == ' ' || first == '\t') {
      return MALFORMED; // obsolete line folding
    }
    int colon = buf.indexOf(s, e, (byte) ':');
    if (colon <= s || buf.forEachByte(s, colon - s, TOKEN_CHAR) >= 0) {
      return MALFORMED; // no name, or a space or other non-token character in it
    }
    int vs = colon + 1;
    int ve = e;
    while (vs < ve && isBlank(buf.getByte(vs))) {
      vs++;
    }
    while (ve > vs && isBlank(buf.getByte(ve - 1))) {
      ve--;
    }
    if (ve > vs && buf.forEachByte(vs, ve - vs, FIELD_CHAR) >= 0) {
      return MALFORMED;
    }
    int i = head.addHeader();
    head.nameStart[i] = s;
    head.nameEnd[i] = colon;
    head.valueStart[i] = vs;
    head.valueEnd[i] = ve;
    head.kind[i] = KnownHeaders.kindOf(buf, s, colon);
    return 0;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  /** Reads what the framing and connection headers say into the head. */
  private static int interpret(ByteBuf buf, Http1Head head, boolean request) {
    int codings = 0;
    boolean sawTransferEncoding = false;
    for (int i = 0; i < head.headerCount; i++) {
      int vs = head.valueStart[i];
      int ve = head.valueEnd[i];
      switch (head.kind[i]) {
        case KnownHeaders.CONTENT_LENGTH -> {
          long length = contentLength(buf, vs, ve);
          if (length < 0 || (head.contentLength >= 0 && head.contentLength != length)) {
            return BAD_FRAMING;
          }
          head.contentLength = length;
        }
        case KnownHeaders.TRANSFER_ENCODING -> {
          sawTransferEncoding = true;
          codings += tokenCount(buf, vs, ve);
          int last = lastTokenStart(buf, vs, ve);
          // The last coding of the last line is the one that frames the message.
          head.chunked =
              KnownHeaders.tokenIs(buf, last, trimmedEnd(buf, last, ve), KnownHeaders.CHUNKED);
        }
        case KnownHeaders.CONNECTION -> connectionTokens(buf, vs, ve, head);
        case KnownHeaders.HOST -> {
          if (head.hasHost && request) {
            return MALFORMED; // two Host headers (RFC 9112 3.2)
          }
          head.hasHost = true;
        }
        default -> {}
      }
    }
    if (request) {
      if (sawTransferEncoding && head.contentLength >= 0) {
        return BAD_FRAMING; // which one frames the body is exactly what smuggling exploits
      }
      if (sawTransferEncoding && (head.http10 || codings == 0)) {
        // HTTP/1.0 has no chunked framing (RFC 9112 6.1: the framing is faulty), and a member may
        // read an empty Transfer-Encoding either way.
        return BAD_FRAMING;
      }
      if (sawTransferEncoding && (codings != 1 || !head.chunked)) {
        return UNSUPPORTED_CODING; // only plain chunked request bodies are streamed
      }
      if (!head.http10 && !head.hasHost) {
        return MALFORMED; // HTTP/1.1 requires Host
      }
    } else if (codings > 0) {
      head.contentLength = -1; // Transfer-Encoding overrides Content-Length in a response
      head.otherCoding = !head.chunked; // not ending in chunked: the body runs until close
    }
    return 0;
  }

  /** A non-negative decimal, or -1. */
  private static long contentLength(ByteBuf buf, int s, int e) {
    if (e <= s || e - s > 18) {
      return -1;
    }
    long value = 0;
    for (int i = s; i < e; i++) {
      byte b = buf.getByte(i);
      if (b < '0' || b > '9') {
        return -1;
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }

  private static int tokenCount(ByteBuf buf, int s, int e) {
    int count = 0;
    boolean inToken = false;
    for (int i = s; i < e; i++) {
      byte b = buf.getByte(i);
      if (b == ',') {
        inToken = false;
      } else if (!isBlank(b) && !inToken) {
        inToken = true;
        count++;
      }
    }
    return count;
  }

  private static int lastTokenStart(ByteBuf buf, int s, int e) {
    int comma = s - 1;
    for (int i = e - 1; i >= s; i--) {
      if (buf.getByte(i) == ',') {
        comma = i;
        break;
      }
    }
    int start = comma + 1;
    while (start < e && isBlank(buf.getByte(start))) {
      start++;
    }
    return start;
  }

  private static int trimmedEnd(ByteBuf buf, int s, int e) {
    int end = s;
    while (end < e && buf.getByte(end) != ',' && !isBlank(buf.getByte(end))) {
      end++;
    }
    return end;
  }

  private static void connectionTokens(ByteBuf buf, int s, int e, Http1Head head) {
    int pos = s;
    while (pos < e) {
      while (pos < e && (buf.getByte(pos) == ',' || isBlank(buf.getByte(pos)))) {
        pos++;
      }
      int start = pos;
      while (pos < e && buf.getByte(pos) != ',' && !isBlank(buf.getByte(pos))) {
        pos++;
      }
      if (pos == start) {
        continue;
      }
      if (KnownHeaders.tokenIs(buf, start, pos, KnownHeaders.CLOSE)) {
        head.connectionClose = true;
      } else if (KnownHeaders.tokenIs(buf, start, pos, KnownHeaders.KEEP_ALIVE_TOKEN)) {
        head.connectionKeepAlive = true;
      } else if (head.dropCount < head.dropStart.length) {
        head.dropStart[head.dropCount] = start;
        head.dropEnd[head.dropCount] = pos;
        head.dropCount++;
      }
    }
  }
}
