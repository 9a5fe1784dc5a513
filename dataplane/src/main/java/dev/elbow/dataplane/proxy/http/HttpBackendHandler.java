package dev.elbow.dataplane.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The last handler of a connection to a member. While a client request uses the connection it
 * passes the response to that request's {@link HttpProxyFrontend}; while the connection waits in
 * the {@link BackendPool} it only watches for the member closing it. Anything that is not a
 * well-formed HTTP response fails the exchange, and the connection is never reused.
 */
final class HttpBackendHandler extends ChannelInboundHandlerAdapter {

  private final InetSocketAddress member;
  private HttpProxyFrontend exchange;

  HttpBackendHandler(InetSocketAddress member) {
    this.member = member;
  }

  void attach(HttpProxyFrontend frontend) {
    this.exchange = frontend;
  }

  void detach() {
    this.exchange = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange == null) {
      // A member must not speak while no request is outstanding; such a connection is unusable.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (!(msg instanceof HttpObject object)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, "sent something that is not HTTP");
      return;
    }
    DecoderResult result = object.decoderResult();
    if (result.isFailure()) {
      ReferenceCountUtil.release(msg);
      fail(ctx, "sent a malformed response (" + result.cause().getMessage() + ")");
      return;
    }
    if (msg instanceof FullHttpResponse full) {
      // Head and body in one object: hand them over as the two parts the frontend expects.
      exchange.onResponseHead(
          new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
      if (exchange != null) {
        exchange.onResponseContent(
            new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
      } else {
        full.release();
      }
    } else if (msg instanceof HttpResponse response) {
      exchange.onResponseHead(response);
    } else if (msg instanceof HttpContent content) {
      exchange.onResponseContent(content);
    }
  }

  private void fail(ChannelHandlerContext ctx, String why) {
    HttpProxyFrontend current = exchange;
    exchange = null;
    ctx.close();
    if (current != null) {
      current.onBackendFailed(ctx.channel(), why);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onBackendReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.onBackendWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      fail(ctx, "closed the connection");
    } else {
      BackendPool.current().remove(member, ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, "failed: " + cause.getMessage());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent idle)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (exchange == null) {
      ctx.close(); // idle in the pool for too long: the member may have forgotten it
    } else if (idle.state() == IdleState.READER_IDLE) {
      HttpProxyFrontend current = exchange;
      exchange = null;
      ctx.close();
      current.onBackendTimeout(ctx.channel());
    }
  }
}
