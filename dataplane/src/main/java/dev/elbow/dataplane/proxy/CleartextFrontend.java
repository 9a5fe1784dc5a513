package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.http.HttpProxyFrontend;
import dev.elbow.dataplane.proxy.http2.Http2Frontend;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of an HTTP listener's connection: it looks at the first bytes and puts HTTP/2
 * in its place when they are the HTTP/2 connection preface (h2c with prior knowledge, RFC 9113
 * 3.3), else the HTTP/1.1 proxy, and hands them the bytes read. A connection that sends too little
 * to tell within the request timeout is closed.
 */
final class CleartextFrontend extends ChannelInboundHandlerAdapter {

  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final ProxyContext proxy;
  private final int port;
  private final ListenerTimeouts timeouts;
  private final ListenerMetrics metrics;
  private ByteBuf first;
  private ScheduledFuture<?> deadline;

  CleartextFrontend(
      ProxyContext proxy, int port, ListenerTimeouts timeouts, ListenerMetrics metrics) {
    this.proxy = proxy;
    this.port = port;
    this.timeouts = timeouts;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline =
        ctx.executor().schedule(() -> ctx.close(), timeouts.requestSeconds(), TimeUnit.SECONDS);
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    if (first == null) {
      first = bytes;
    } else {
      first = ctx.alloc().compositeBuffer().addComponents(true, first, bytes);
    }
    int seen = Math.min(first.readableBytes(), PREFACE.readableBytes());
    boolean matches =
        ByteBufUtil.equals(first, first.readerIndex(), PREFACE, PREFACE.readerIndex(), seen);
    if (matches && seen < PREFACE.readableBytes()) {
      ctx.read(); // so far the preface; the rest decides
      return;
    }
    deadline.cancel(false);
    // This handler is the pipeline's last: what takes over goes after it.
    if (matches) {
      ctx.pipeline().addLast(Http2Frontend.handlers(proxy, port, timeouts, metrics, false));
    } else {
      ctx.pipeline().addLast(new HttpProxyFrontend(proxy, port, timeouts, metrics, false));
    }
    ByteBuf read = first;
    first = null;
    ctx.fireChannelRead(read);
    ctx.fireChannelReadComplete();
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (first != null) {
      first.release();
      first = null;
    }
  }
}
