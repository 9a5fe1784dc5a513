package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 stream, proxied as one HTTP/1.1 exchange on a fresh connection to a member picked by
 * the group's algorithm: the member sees X-Forwarded-For, -Proto (https) and -Port as from the
 * HTTP/1.1 proxy, and the client gets the member's response, or 502, 503 or 504 with a reason.
 *
 * <p>Backend connections are not pooled on this path yet, and bodies are gathered whole (up to
 * {@link Http2Frontend#MAX_BODY}); HTTP/1.1 clients get the streaming, pooling proxy.
 */
final class Http2StreamProxy extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final List<String> HOP_BY_HOP =
      List.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-port");

  private final ProxyContext proxy;
  private final int port;
  private final ListenerTimeouts timeouts;

  Http2StreamProxy(ProxyContext proxy, int port, ListenerTimeouts timeouts) {
    this.proxy = proxy;
    this.port = port;
    this.timeouts = timeouts;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    ListenerRoute route = proxy.routes().get().route(port);
    if (route == null) {
      answer(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "this listener was removed");
      return;
    }
    GroupRuntime group = route.group();
    Member member = group.pick();
    if (member == null) {
      answer(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy member in " + group.name());
      return;
    }
    FullHttpRequest forwarded = forwarded(ctx, request.retainedDuplicate());
    Channel stream = ctx.channel();
    new Bootstrap()
        .group(stream.eventLoop())
        .channel(proxy.connector().transport().socketChannelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel backend) {
                if (group.tls() != null) {
                  backend
                      .pipeline()
                      .addLast(group.tls().newHandler(backend.alloc(), member.socketAddress()));
                }
                backend
                    .pipeline()
                    .addLast(
                        new ReadTimeoutHandler(timeouts.responseSeconds(), TimeUnit.SECONDS),
                        new HttpClientCodec(),
                        new HttpObjectAggregator(Http2Frontend.MAX_BODY),
                        new MemberAnswer(stream, member));
              }
            })
        .connect(member.socketAddress())
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (connected.isSuccess()) {
                    connected.channel().writeAndFlush(forwarded);
                  } else {
                    forwarded.release();
                    answer(
                        ctx,
                        HttpResponseStatus.BAD_GATEWAY,
                        "member " + member + " " + connected.cause().getMessage());
                  }
                });
  }

  /** The request as a member gets it: HTTP/1.1, one exchange, X-Forwarded-* from this proxy. */
  private FullHttpRequest forwarded(ChannelHandlerContext ctx, FullHttpRequest request) {
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    HttpHeaders headers = request.headers();
    String previousFor = String.join(", ", headers.getAll("x-forwarded-for"));
    HOP_BY_HOP.forEach(headers::remove);
    headers.names().stream()
        .filter(name -> name.regionMatches(true, 0, "x-http2-", 0, 8))
        .toList()
        .forEach(headers::remove);
    InetSocketAddress client = (InetSocketAddress) ctx.channel().parent().remoteAddress();
    String address = NetUtil.toAddressString(client.getAddress());
    headers.set("x-forwarded-for", previousFor.isEmpty() ? address : previousFor + ", " + address);
    headers.set("x-forwarded-proto", "https");
    headers.set("x-forwarded-port", Integer.toString(port));
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
    return request;
  }

  private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(status + ": " + why + "\n", StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // resets this stream only; the connection and its other streams go on
  }

  /** The member's response, written back on the stream. */
  private final class MemberAnswer extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Channel stream;
    private final Member member;
    private boolean answered;

    MemberAnswer(Channel stream, Member member) {
      this.stream = stream;
      this.member = member;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      answered = true;
      FullHttpResponse out = response.retainedDuplicate();
      HOP_BY_HOP.forEach(out.headers()::remove);
      out.headers().set(HttpHeaderNames.CONTENT_LENGTH, out.content().readableBytes());
      stream.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!answered) {
        fail(new java.io.IOException("closed the connection before answering"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
      fail(cause);
    }

    private void fail(Throwable cause) {
      if (!answered && stream.isActive()) {
        answered = true;
        HttpResponseStatus status =
            cause instanceof ReadTimeoutException
                ? HttpResponseStatus.GATEWAY_TIMEOUT
                : HttpResponseStatus.BAD_GATEWAY;
        String why =
            cause instanceof ReadTimeoutException
                ? "did not answer within " + timeouts.responseSeconds() + "s"
                : String.valueOf(cause.getMessage());
        answer(stream.pipeline().lastContext(), status, "member " + member + " " + why);
      }
    }
  }
}
