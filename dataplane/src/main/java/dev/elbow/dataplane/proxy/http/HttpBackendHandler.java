package dev.elbow.dataplane.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The last handler of a connection to a member. While a client request uses the connection it
 * passes the response to that request's {@link HttpProxyFrontend}; while the connection waits in
 * the {@link BackendPool} it only watches for the member closing it.
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
    if (msg instanceof HttpResponse response) {
      exchange.onResponseHead(response);
    }
    if (msg instanceof HttpContent content) {
      exchange.onResponseContent(content);
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
    HttpProxyFrontend current = exchange;
    exchange = null;
    if (current != null) {
      current.onBackendClosed(ctx.channel(), null);
    } else {
      BackendPool.current().remove(member, ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    HttpProxyFrontend current = exchange;
    exchange = null;
    ctx.close();
    if (current != null) {
      current.onBackendClosed(ctx.channel(), cause);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    HttpProxyFrontend current = exchange;
    exchange = null;
    ctx.close(); // idle in the pool for too long, or a member that stopped answering
    if (current != null) {
      current.onBackendTimeout(ctx.channel());
    }
  }
}
