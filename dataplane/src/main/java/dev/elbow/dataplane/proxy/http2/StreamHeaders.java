package dev.elbow.dataplane.proxy.http2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;

/** How a stream's request and response heads change on their way through the proxy. */
final class StreamHeaders {

  /** Connection-level headers, which never pass a proxy (RFC 9110 7.6.1). */
  private static final List<AsciiString> HOP_BY_HOP =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE);

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final AsciiString HTTP = AsciiString.cached("http");

  private StreamHeaders() {}

  /**
   * The request as a member gets it, edited in place: HTTP/1.1 with X-Forwarded-* from this proxy,
   * and chunked when the client streams a body of no stated length.
   *
   * @param whole the client's head ended the stream: there is no body
   * @param http2Member the member speaks HTTP/2, where "te: trailers" passes
   */
  static void forwarded(
      HttpRequest request,
      boolean whole,
      InetAddress client,
      StreamListener listener,
      boolean http2Member) {
    HttpHeaders headers = request.headers();
    List<String> previousFor = headers.getAll(X_FORWARDED_FOR);
    // gRPC needs "te: trailers" to reach an HTTP/2 member; HTTP/2 allows no other TE value.
    boolean trailers =
        http2Member && headers.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
    HOP_BY_HOP.forEach(headers::remove);
    if (trailers) {
      headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    // What the HTTP/2-to-HTTP/1 conversion adds for its own bookkeeping.
    headers.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
    headers.remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());
    String address = NetUtil.toAddressString(client);
    headers.set(
        X_FORWARDED_FOR,
        previousFor.isEmpty() ? address : String.join(", ", previousFor) + ", " + address);
    headers.set(X_FORWARDED_PROTO, listener.secure() ? HTTPS : HTTP);
    headers.set(X_FORWARDED_PORT, listener.portText());
    if (!whole && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }

  /** The methods a request may be sent twice with (RFC 9110 9.2.2, less PUT and DELETE). */
  static boolean idempotent(HttpMethod method) {
    return method == HttpMethod.GET
        || method == HttpMethod.HEAD
        || method == HttpMethod.OPTIONS
        || method == HttpMethod.TRACE;
  }

  /** The member's response head as the client gets it, edited in place. */
  static void response(HttpHeaders headers) {
    HOP_BY_HOP.forEach(headers::remove);
  }
}
