package dev.elbow.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Set;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 section
 * 7.6.1), so what the client said about its connection to the proxy is not taken by the backend as
 * said about the proxy's connection to it, and the other way round. Transfer-Encoding stays: the
 * proxy streams bodies with the framing they arrived with.
 */
final class HopByHopHeaders {

  /**
   * Headers a Connection header may name but never remove: dropping the framing headers would let a
   * client turn its body into a second, smuggled request on the pooled backend connection.
   */
  private static final Set<AsciiString> PROTECTED =
      Set.of(
          HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.HOST);

  private HopByHopHeaders() {}

  private static boolean isProtected(String name) {
    for (AsciiString header : PROTECTED) {
      if (header.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  static void strip(HttpHeaders headers) {
    List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
    for (String value : connection) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty() && !isProtected(name)) {
          headers.remove(name);
        }
      }
    }
    headers.remove(HttpHeaderNames.CONNECTION);
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove(HttpHeaderNames.PROXY_CONNECTION);
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TRAILER);
    headers.remove(HttpHeaderNames.UPGRADE);
  }
}
