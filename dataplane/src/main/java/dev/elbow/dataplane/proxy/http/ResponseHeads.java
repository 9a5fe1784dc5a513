package dev.elbow.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Fits a member's response head to the client connection it goes back on. */
final class ResponseHeads {

  private ResponseHeads() {}

  /**
   * Removes the member's connection headers, frames the body so the client can find its end, and
   * says whether the client connection stays open.
   *
   * @param method the request's method, since a response to HEAD has no body
   * @param clientVersion the HTTP version the client spoke
   * @param keepAlive whether the client connection would stay open
   * @return whether the client connection stays open after this response
   */
  static boolean prepare(
      HttpResponse response, HttpMethod method, HttpVersion clientVersion, boolean keepAlive) {
    HopByHopHeaders.strip(response.headers());
    boolean http10 = clientVersion.equals(HttpVersion.HTTP_1_0);
    boolean chunked = HttpUtil.isTransferEncodingChunked(response);
    boolean delimited = HttpUtil.isContentLengthSet(response) || chunked;
    if (mayHaveBody(response, method) && (!delimited || (chunked && http10))) {
      if (http10) {
        // HTTP/1.0 knows no chunks: the body ends where this connection does.
        response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        keepAlive = false;
      } else {
        // The member delimits this body by closing; HTTP/1.1 clients get it as chunks instead
        // and keep their connection.
        HttpUtil.setTransferEncodingChunked(response, true);
      }
    }
    HttpUtil.setKeepAlive(response.headers(), clientVersion, keepAlive);
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    return keepAlive;
  }

  private static boolean mayHaveBody(HttpResponse response, HttpMethod method) {
    int code = response.status().code();
    return code != 204 && code != 304 && !HttpMethod.HEAD.equals(method);
  }
}
