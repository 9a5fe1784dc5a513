package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.http.ErrorResponses;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.StickyCookies;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream, proxied as one HTTP/1.1 exchange on a keep-alive connection to a member picked
 * by the group's algorithm: the member sees X-Forwarded-For, -Proto (https) and -Port as from the
 * HTTP/1.1 proxy, and the client gets the member's response, or 502, 503 or 504 with a reason.
 *
 * <p>Bodies are gathered whole on this path (up to {@link Http2Frontend#MAX_BODY}); HTTP/1.1
 * clients get the streaming proxy.
 */
@ChannelHandler.Sharable
final class Http2StreamProxy extends SimpleChannelInboundHandler<FullHttpRequest> {

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
  private static final Logger errors = LoggerFactory.getLogger("elbow.errors");

  private final ProxyContext proxy;
  private final int port;
  private final ListenerTimeouts timeouts;
  private final ListenerMetrics metrics;
  private final AsciiString portText;

  /** One per HTTP/2 connection, shared by its streams: it keeps no state of its own. */
  Http2StreamProxy(
      ProxyContext proxy, int port, ListenerTimeouts timeouts, ListenerMetrics metrics) {
    this.proxy = proxy;
    this.port = port;
    this.timeouts = timeouts;
    this.metrics = metrics;
    this.portText = AsciiString.of(Integer.toString(port));
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    StreamRecord record =
        new StreamRecord(
            metrics, proxy.accessLog(), ctx.channel().parent().remoteAddress(), request);
    String accept = request.headers().get(HttpHeaderNames.ACCEPT);
    boolean browser = accept != null && accept.contains("text/html");
    ListenerRoute route = proxy.routes().get().route(port);
    if (route == null) {
      answer(
          ctx,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "this listener was removed",
          record,
          browser);
      return;
    }
    record.route(route);
    GroupRuntime group = route.group();
    StickyCookies cookies = group.cookies();
    Member fromCookie = null;
    boolean appCookieSent = false;
    if (cookies != null) {
      List<String> sent = request.headers().getAll(HttpHeaderNames.COOKIE);
      StickySession sticky = cookies.config();
      appCookieSent =
          sticky.type() == StickySessionType.APP_COOKIE
              && StickyCookies.cookieValue(sent, sticky.appCookieName()) != null;
      if (sticky.type() == StickySessionType.LB_COOKIE || appCookieSent) {
        String token = StickyCookies.cookieValue(sent, sticky.routeCookieName());
        fromCookie =
            token == null
                ? null
                : cookies.member(StickyCookies.parseToken(token, 0, token.length()));
      }
    }
    Member member =
        fromCookie != null
            ? fromCookie
            : group.pickFor(
                ((InetSocketAddress) ctx.channel().parent().remoteAddress()).getAddress());
    if (member == null) {
      record.error(ErrorKind.NO_HEALTHY_MEMBER);
      answer(
          ctx,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no member of group " + group.name() + " may take traffic",
          record,
          browser);
      return;
    }
    record.member(member);
    FullHttpRequest forwarded = forwarded(ctx, request.retain()); // edited in place, then sent
    Channel stream = ctx.channel();
    boolean renewCookie =
        cookies != null
            && (cookies.type() == StickySessionType.LB_COOKIE
                || (appCookieSent && member != fromCookie));
    member.traffic().started(); // for least connections, until answered or failed
    Http2BackendConnections.send(
        proxy,
        stream.eventLoop(),
        group,
        member,
        forwarded,
        timeouts.responseSeconds(),
        new Http2BackendConnections.Exchange() {
          @Override
          public void answered(FullHttpResponse response) {
            member.traffic().finished();
            group.answered(member, response.status().code());
            HOP_BY_HOP.forEach(response.headers()::remove);
            if (renewCookie
                || (cookies != null
                    && cookies.type() == StickySessionType.APP_COOKIE
                    && StickyCookies.setsCookie(
                        response.headers().getAll(HttpHeaderNames.SET_COOKIE),
                        cookies.config().appCookieName()))) {
              response
                  .headers()
                  .add(HttpHeaderNames.SET_COOKIE, cookies.setCookieValue(member, true));
            }
            response
                .headers()
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            record.end(response.status().code(), response.content().readableBytes());
            if (stream.isActive()) {
              stream.writeAndFlush(response);
            } else {
              response.release();
            }
          }

          @Override
          public void failed(String why, ErrorKind kind) {
            member.traffic().finished();
            if (!kind.isConnectFailure()) {
              group.failed(member, why); // a failed connect was counted where it failed
            }
            record.error(kind);
            HttpResponseStatus status =
                kind == ErrorKind.RESPONSE_TIMEOUT
                    ? HttpResponseStatus.GATEWAY_TIMEOUT
                    : HttpResponseStatus.BAD_GATEWAY;
            if (stream.isActive()) {
              answer(
                  ctx,
                  status,
                  "group " + group.name() + " member " + member + " " + why,
                  record,
                  browser);
            } else {
              record.end(0, 0);
            }
          }
        });
  }

  /** The request as a member gets it: HTTP/1.1, one exchange, X-Forwarded-* from this proxy. */
  private FullHttpRequest forwarded(ChannelHandlerContext ctx, FullHttpRequest request) {
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    HttpHeaders headers = request.headers();
    List<String> previousFor = headers.getAll(X_FORWARDED_FOR);
    HOP_BY_HOP.forEach(headers::remove);
    // What the HTTP/2-to-HTTP/1 conversion adds for its own bookkeeping.
    headers.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
    headers.remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());
    InetSocketAddress client = (InetSocketAddress) ctx.channel().parent().remoteAddress();
    String address = NetUtil.toAddressString(client.getAddress());
    headers.set(
        X_FORWARDED_FOR,
        previousFor.isEmpty() ? address : String.join(", ", previousFor) + ", " + address);
    headers.set(X_FORWARDED_PROTO, HTTPS);
    headers.set(X_FORWARDED_PORT, portText);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
    return request;
  }

  /**
   * Answers the stream without a member, with the same fixed body and request ID as the HTTP/1
   * path, and ends its record.
   *
   * @param detail what happened, for the log under the request ID; never sent
   */
  private static void answer(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      String detail,
      StreamRecord record,
      boolean browser) {
    String id = ErrorResponses.newRequestId();
    errors.warn("request {}: {} on HTTP/2 stream: {}", id, status.code(), detail);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.wrappedBuffer(ErrorResponses.body(status.code(), id, browser)));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, ErrorResponses.contentType(browser));
    response.headers().set(ErrorResponses.REQUEST_ID_HEADER, id);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    record.end(status.code(), response.content().readableBytes());
    ctx.writeAndFlush(response);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // resets this stream only; the connection and its other streams go on
  }
}
