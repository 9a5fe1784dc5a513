package dev.elbow.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 section
 * 7.6.1), so what the client said about its connection to the proxy is not taken by the backend as
 * said about the proxy's connection to it, and the other way round. Transfer-Encoding stays: the
 * proxy streams bodies with the framing they arrived with.
 */
final class HopByHopHeaders {

  private HopByHopHeaders() {}

  static void strip(HttpHeaders headers) {
    List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
    for (String value : connection) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
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
