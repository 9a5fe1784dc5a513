package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The responses the proxy makes itself, when no member could answer. */
final class ErrorResponses {

  private ErrorResponses() {}

  static FullHttpResponse of(
      HttpResponseStatus status, String message, HttpVersion clientVersion, boolean keepAlive) {
    ByteBuf body = Unpooled.copiedBuffer(status + ": " + message + "\n", StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    HttpUtil.setKeepAlive(
        response.headers(),
        clientVersion == null ? HttpVersion.HTTP_1_1 : clientVersion,
        keepAlive);
    return response;
  }
}
