package dev.elbow.dataplane.proxy.http2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpScheme;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;

/** How a stream's request head changes on its way to a member. */
final class StreamHeaders {

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");

  private StreamHeaders() {}

  /**
   * The request as a member gets it, edited in place: X-Forwarded-* from this proxy, and the scheme
   * of the member connection. HTTP/2 carries no connection-specific header but "te: trailers" (RFC
   * 9113 8.2.2; the codec refuses others), which only an HTTP/2 member has use for: gRPC needs it
   * there.
   *
   * @param http2Member the member speaks HTTP/2
   * @param tlsMember the member connection is TLS
   */
  static void forwarded(
      Http2Headers headers,
      InetAddress client,
      StreamListener listener,
      boolean http2Member,
      boolean tlsMember) {
    if (!http2Member) {
      headers.remove(HttpHeaderNames.TE);
    }
    String address = NetUtil.toAddressString(client);
    if (headers.contains(X_FORWARDED_FOR)) {
      List<CharSequence> previous = headers.getAll(X_FORWARDED_FOR);
      headers.set(X_FORWARDED_FOR, String.join(", ", previous) + ", " + address);
    } else {
      headers.set(X_FORWARDED_FOR, address);
    }
    headers.set(
        X_FORWARDED_PROTO, listener.secure() ? HttpScheme.HTTPS.name() : HttpScheme.HTTP.name());
    headers.set(X_FORWARDED_PORT, listener.portText());
    if (http2Member) {
      headers.scheme(tlsMember ? HttpScheme.HTTPS.name() : HttpScheme.HTTP.name());
    }
  }

  /** The methods a request may be sent twice with (RFC 9110 9.2.2, less PUT and DELETE). */
  static boolean idempotent(CharSequence method) {
    return HttpMethod.GET.asciiName().contentEquals(method)
        || HttpMethod.HEAD.asciiName().contentEquals(method)
        || HttpMethod.OPTIONS.asciiName().contentEquals(method)
        || HttpMethod.TRACE.asciiName().contentEquals(method);
  }

  /** The three-digit status of a response head, or -1 when it has none that is valid. */
  static int status(Http2Headers headers) {
    CharSequence status = headers.status();
    if (status == null || status.length() != 3) {
      return -1;
    }
    int code = 0;
    for (int i = 0; i < 3; i++) {
      char c = status.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      code = code * 10 + (c - '0');
    }
    return code < 100 ? -1 : code;
  }
}
