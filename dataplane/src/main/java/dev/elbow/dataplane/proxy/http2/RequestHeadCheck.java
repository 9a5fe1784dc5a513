package dev.elbow.dataplane.proxy.http2;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Tells a malformed request head from one that may be proxied (RFC 9113 8.3.1): a request without
 * {@code :method}, or without {@code :scheme} or a non-empty {@code :path} (CONNECT aside), or
 * trailers carrying pseudo-headers. {@link Http2Streams} resets such a stream with PROTOCOL_ERROR,
 * as the RFC says; the connection and its other streams go on.
 */
final class RequestHeadCheck {

  private RequestHeadCheck() {}

  /** Whether a stream's first HEADERS cannot be proxied. */
  static boolean malformedHead(Http2Headers headers) {
    CharSequence method = headers.method();
    if (method == null || !isToken(method) || !fitsRequestLine(headers.authority())) {
      return true;
    }
    if (HttpMethod.CONNECT.asciiName().contentEquals(method)) {
      return false;
    }
    return headers.scheme() == null
        || headers.path() == null
        || headers.path().length() == 0
        || !fitsRequestLine(headers.path());
  }

  /** Whether a later HEADERS (trailers) carries pseudo-headers, which trailers never do. */
  static boolean malformedTrailers(Http2Headers headers) {
    for (var header : headers) {
      if (Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(header.getKey())) {
        return true;
      }
    }
    return false;
  }

  /** A method is a token (RFC 9110 9.1): it is written into an HTTP/1.1 request line as it is. */
  private static boolean isToken(CharSequence text) {
    if (text.length() == 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    return true;
  }

  /**
   * A path or authority with no space or control character (RFC 9113 8.3.1 allows neither), which
   * would split the request line an HTTP/1.1 member reads (GET /admin /public HTTP/1.1).
   */
  private static boolean fitsRequestLine(CharSequence text) {
    if (text == null) {
      return true;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
