package dev.elbow.dataplane.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses a malformed request head before it is proxied (RFC 9113 8.3.1): a request without {@code
 * :method}, or without {@code :scheme} or a non-empty {@code :path} (CONNECT aside), or trailers
 * carrying pseudo-headers. The stream is reset with PROTOCOL_ERROR, as the RFC says; the connection
 * and its other streams go on. An extended CONNECT for a WebSocket (RFC 8441) makes the stream a
 * {@link WebSocketStream} instead.
 */
final class RequestHeadCheck extends ChannelInboundHandlerAdapter {

  private boolean headSeen;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!headSeen
        && msg instanceof Http2HeadersFrame frame
        && WebSocketStream.asksForWebSocket(frame.headers())) {
      // RFC 8441: this stream is a WebSocket, not an HTTP exchange.
      headSeen = true;
      StreamExchange exchange = ctx.pipeline().get(StreamExchange.class);
      ctx.pipeline().replace(exchange, null, new WebSocketStream(exchange.listener()));
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof Http2HeadersFrame frame && malformed(frame.headers())) {
      ReferenceCountUtil.release(msg);
      ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR))
          .addListener(f -> ctx.close());
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private boolean malformed(Http2Headers headers) {
    if (headSeen) {
      for (var header : headers) {
        if (Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(header.getKey())) {
          return true; // trailers carry no pseudo-headers
        }
      }
      return false;
    }
    headSeen = true;
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
