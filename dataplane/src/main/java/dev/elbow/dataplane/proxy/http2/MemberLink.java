package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.health.FailureReasons;
import dev.elbow.dataplane.proxy.http.BackendPool;
import dev.elbow.dataplane.proxy.http.Http1MemberCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The end of an HTTP/1.1 connection to a member that carries one {@link StreamExchange} at a time,
 * behind an {@link Http1MemberCodec}: it hands the response frames on as they are decoded, and says
 * when the connection may go back to the pool. Between exchanges it sits in {@link
 * BackendPool#forStreams()} with a read pending, so a member closing it is noticed, and closes
 * itself after {@link BackendPool#IDLE_SECONDS}.
 */
final class MemberLink extends ChannelInboundHandlerAdapter implements MemberEnd {

  private final Object tls;
  private final InetSocketAddress address;
  private ChannelHandlerContext ctx;
  private StreamExchange owner;
  private Http1MemberCodec codec;
  private boolean reused;
  private boolean answered;
  private ScheduledFuture<?> idleClose;

  /**
   * @param tls the TLS contexts the connection was opened with (the pool's key), or null
   */
  MemberLink(Object tls, InetSocketAddress address) {
    this.tls = tls;
    this.address = address;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.codec = ctx.pipeline().get(Http1MemberCodec.class);
  }

  /** The connection was taken from the pool rather than opened for this exchange. */
  void takenFromPool() {
    reused = true;
  }

  @Override
  public void attach(StreamExchange exchange) {
    if (idleClose != null) {
      idleClose.cancel(false);
      idleClose = null;
    }
    owner = exchange;
    answered = false;
  }

  @Override
  public boolean reused() {
    return reused;
  }

  @Override
  public void send(Http2StreamFrame frame) {
    ctx.channel().write(frame, ctx.channel().voidPromise());
  }

  @Override
  public void flush() {
    ctx.channel().flush();
  }

  @Override
  public void read() {
    ctx.channel().read();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void drop() {
    owner = null;
    ctx.channel().close();
  }

  /** The member sent bytes of a response for this exchange. */
  boolean answered() {
    return answered;
  }

  /** Ends the exchange: back to the pool if it can carry another, else closed. */
  @Override
  public void release(boolean reusable) {
    owner = null;
    if (!reusable || !codec.reusable() || !ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    BackendPool.forStreams().release(tls, address, ctx.channel());
    if (ctx.channel().isActive()) {
      idleClose =
          ctx.executor().schedule(this::closeIdle, BackendPool.IDLE_SECONDS, TimeUnit.SECONDS);
      ctx.read();
    }
  }

  private void closeIdle() {
    idleClose = null;
    if (owner == null) {
      BackendPool.forStreams().remove(tls, address, ctx.channel());
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    StreamExchange current = owner;
    if (current == null) {
      ReferenceCountUtil.release(msg); // bytes on an idle connection: it cannot be trusted now
      ctx.close();
      return;
    }
    answered = true;
    current.fromMember(this, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (owner != null) {
      owner.memberReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (owner != null && ctx.channel().isWritable()) {
      owner.memberWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idleClose != null) {
      idleClose.cancel(false);
      idleClose = null;
    }
    StreamExchange current = owner;
    owner = null;
    if (current == null) {
      BackendPool.forStreams().remove(tls, address, ctx.channel());
      return;
    }
    current.memberFailed(this, "closed the connection before the response was whole", answered);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    StreamExchange current = owner;
    owner = null;
    ctx.close();
    if (current != null) {
      if (cause instanceof Http1MemberCodec.MalformedResponse malformed) {
        current.memberFailed(this, malformed.getMessage(), true);
      } else {
        current.memberFailed(this, FailureReasons.ofTraffic(cause), answered);
      }
    }
  }
}
