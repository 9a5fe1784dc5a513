package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.routing.HttpRequestView;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import java.util.function.Function;

/**
 * A stream's request as forwarding rules read it, from its HEADERS. Unlike the HTTP/1 view, this
 * one makes strings (HPACK decoding made objects of the head already).
 */
record StreamRequestView(
    CharSequence host,
    CharSequence path,
    CharSequence query,
    CharSequence method,
    Function<String, CharSequence> headers,
    InetAddress client)
    implements HttpRequestView {

  static StreamRequestView of(Http2Headers headers, InetAddress client) {
    return of(
        headers.authority() != null ? headers.authority() : headers.get("host"),
        headers.path() == null ? "/" : headers.path(),
        headers.method(),
        name -> headers.get(name),
        client);
  }

  private static StreamRequestView of(
      CharSequence authority,
      CharSequence target,
      CharSequence method,
      Function<String, CharSequence> headers,
      InetAddress client) {
    String uri = target.toString();
    String lower = uri.length() > 8 ? uri.substring(0, 8).toLowerCase(java.util.Locale.ROOT) : "";
    int scheme = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
    if (scheme > 0) {
      // Absolute form (an HTTP/1.1 client): the target's host and path are the request's.
      int slash = uri.indexOf('/', scheme);
      int end = slash < 0 ? uri.length() : slash;
      int queryMark = uri.indexOf('?', scheme);
      if (queryMark >= 0 && queryMark < end) {
        end = queryMark;
      }
      authority = uri.substring(scheme, end);
      uri =
          end < uri.length() && uri.charAt(end) == '/'
              ? uri.substring(end)
              : "/" + uri.substring(end);
    }
    int q = uri.indexOf('?');
    return new StreamRequestView(
        authority == null ? null : withoutPort(authority.toString()),
        q < 0 ? uri : uri.substring(0, q),
        q < 0 ? null : uri.substring(q + 1),
        method,
        headers,
        client);
  }

  /** "example.com:8443" and "[::1]:8443" without the port. */
  private static String withoutPort(String authority) {
    int colon = authority.lastIndexOf(':');
    return colon > 0 && !authority.endsWith("]") && authority.charAt(colon - 1) != ':'
        ? authority.substring(0, colon)
        : authority;
  }

  @Override
  public CharSequence header(String name) {
    return headers.apply(name);
  }
}
