package dev.elbow.dataplane.admin;

import dev.elbow.snapshot.SnapshotJson;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Checks the bearer token of every admin request but the two probes, as soon as its head arrives: a
 * caller without the token is answered 401 and disconnected before any of its body is read, so it
 * cannot make the data plane buffer a large upload.
 */
final class AdminAuthorization extends ChannelInboundHandlerAdapter {

  /** The liveness probe: 200 while the process serves. */
  static final String HEALTH_PATH = "/healthz";

  /** The readiness probe: 200 once a snapshot is applied. */
  static final String READY_PATH = "/readyz";

  private static final String BEARER = "Bearer ";
  private final byte[] expected;
  private boolean rejecting;

  AdminAuthorization(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      // Kubelet probes carry no token; both answer only a word.
      boolean open = HEALTH_PATH.equals(path) || READY_PATH.equals(path);
      rejecting = !open && !authorized(request);
      if (rejecting) {
        ReferenceCountUtil.release(msg);
        ctx.writeAndFlush(unauthorized()).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    if (rejecting) {
      ReferenceCountUtil.release(msg); // the rest of a refused request
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private boolean authorized(HttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    // The scheme is case-insensitive (RFC 9110 11.1); the token is compared in constant time, so it
    // cannot be guessed byte by byte from response times.
    return header != null
        && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        && MessageDigest.isEqual(
            header.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8), expected);
  }

  private static FullHttpResponse unauthorized() {
    byte[] body = SnapshotJson.toBytes(Map.of("error", "a valid bearer token is required"));
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"elbow\"")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }
}
