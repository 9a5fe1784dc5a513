package dev.elbow.dataplane.admin;

import dev.elbow.dataplane.ApplyOutcome;
import dev.elbow.dataplane.DataPlane;
import dev.elbow.snapshot.SnapshotJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Routes admin API requests, which {@link AdminAuthorization} already let through; see {@link
 * AdminServer} for the endpoints.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final int MAX_WAIT_SECONDS = 60;

  private final DataPlane dataPlane;
  private final StatusWatchers watchers;

  AdminHandler(DataPlane dataPlane, StatusWatchers watchers) {
    this.dataPlane = dataPlane;
    this.watchers = watchers;
  }

  private boolean readPending;

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    readNext(ctx);
    ctx.fireChannelActive();
  }

  private void readNext(ChannelHandlerContext ctx) {
    ctx.executor()
        .execute(
            () -> {
              readPending = true;
              ctx.read();
            });
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (readPending) {
      ctx.read(); // a read cycle without a whole request: keep reading
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    readPending = false;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    if (path.equals(AdminAuthorization.READY_PATH)) {
      // Ready once a snapshot is in force (before it, no listener is open, so a Service should not
      // send this replica traffic yet) and until it starts stopping.
      boolean ready = dataPlane.ready();
      String text =
          ready ? "ready\n" : dataPlane.draining() ? "draining\n" : "no snapshot applied yet\n";
      reply(
          ctx,
          keepAlive,
          ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
          "text/plain",
          text.getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals(AdminAuthorization.HEALTH_PATH)) {
      reply(
          ctx,
          keepAlive,
          HttpResponseStatus.OK,
          "text/plain",
          "ok\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals("/metrics")) {
      if (!request.method().equals(HttpMethod.GET)) {
        methodNotAllowed(ctx, keepAlive, "GET");
        return;
      }
      reply(
          ctx,
          keepAlive,
          HttpResponseStatus.OK,
          "text/plain; version=0.0.4; charset=utf-8",
          dataPlane.metrics().getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals("/v1/stats")) {
      if (!request.method().equals(HttpMethod.GET)) {
        methodNotAllowed(ctx, keepAlive, "GET");
        return;
      }
      replyJson(ctx, keepAlive, HttpResponseStatus.OK, dataPlane.stats());
      return;
    }
    if (!path.equals("/v1/snapshot") && !path.equals("/v1/status")) {
      replyJson(
          ctx,
          keepAlive,
          HttpResponseStatus.NOT_FOUND,
          Map.of("error", "no such endpoint: " + path));
      return;
    }
    if (path.equals("/v1/snapshot")) {
      if (!request.method().equals(HttpMethod.PUT) && !request.method().equals(HttpMethod.POST)) {
        methodNotAllowed(ctx, keepAlive, "PUT");
        return;
      }
      byte[] body = ByteBufUtil.getBytes(request.content());
      dataPlane
          .applyJson(body)
          .whenComplete(
              (outcome, error) -> {
                if (error != null) {
                  replyJson(
                      ctx,
                      keepAlive,
                      HttpResponseStatus.INTERNAL_SERVER_ERROR,
                      Map.of("error", String.valueOf(error)));
                } else {
                  replyJson(ctx, keepAlive, statusOf(outcome.kind()), outcome.result());
                }
              });
      return;
    }
    if (!request.method().equals(HttpMethod.GET)) {
      methodNotAllowed(ctx, keepAlive, "GET");
      return;
    }
    long after = longParam(uri, "after", -1);
    int waitSeconds =
        (int) Math.min(MAX_WAIT_SECONDS, Math.max(0, longParam(uri, "waitSeconds", 30)));
    if (after < 0 || waitSeconds == 0) {
      replyJson(ctx, keepAlive, HttpResponseStatus.OK, dataPlane.status());
    } else {
      List<String> instance = uri.parameters().get("instance");
      watchers.watch(
          instance == null ? null : instance.get(0),
          after,
          waitSeconds,
          status -> replyJson(ctx, keepAlive, HttpResponseStatus.OK, status));
    }
  }

  private static HttpResponseStatus statusOf(ApplyOutcome.Kind kind) {
    return switch (kind) {
      case APPLIED, UNCHANGED -> HttpResponseStatus.OK;
      case STALE -> HttpResponseStatus.CONFLICT;
      case INVALID -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
      case MALFORMED -> HttpResponseStatus.BAD_REQUEST;
    };
  }

  private static long longParam(QueryStringDecoder uri, String name, long fallback) {
    List<String> values = uri.parameters().get(name);
    if (values == null || values.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(values.get(0));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private void methodNotAllowed(ChannelHandlerContext ctx, boolean keepAlive, String allowed) {
    FullHttpResponse response =
        json(HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of("error", "use " + allowed));
    response.headers().set(HttpHeaderNames.ALLOW, allowed);
    send(ctx, keepAlive, response);
  }

  private void replyJson(
      ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
    send(ctx, keepAlive, json(status, body));
  }

  private static FullHttpResponse json(HttpResponseStatus status, Object body) {
    return response(
        status, HttpHeaderValues.APPLICATION_JSON.toString(), SnapshotJson.toBytes(body));
  }

  private void reply(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      HttpResponseStatus status,
      String type,
      byte[] body) {
    send(ctx, keepAlive, response(status, type, body));
  }

  private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
    ByteBuf content = Unpooled.wrappedBuffer(body);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  private void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
    HttpUtil.setKeepAlive(response, keepAlive);
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    } else {
      // One request at a time: a pipelined request is read only after this one is answered, so
      // answers that come from other threads cannot overtake each other.
      readNext(ctx);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
