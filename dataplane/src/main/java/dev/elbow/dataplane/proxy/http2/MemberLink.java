package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.health.FailureReasons;
import dev.elbow.dataplane.proxy.http.BackendPool;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The end of an HTTP/1.1 connection to a member that carries one {@link StreamExchange} at a time,
 * behind Netty's HTTP client codec: it hands the response on as it is decoded, head, body pieces
 * and trailers, and says when the connection may go back to the pool. Between exchanges it sits in
 * {@link BackendPool#forStreams()} with a read pending, so a member closing it is noticed, and
 * closes itself after {@link BackendPool#IDLE_SECONDS}.
 */
final class MemberLink extends ChannelInboundHandlerAdapter implements MemberEnd {

  private final Object tls;
  private final InetSocketAddress address;
  private ChannelHandlerContext ctx;
  private StreamExchange owner;
  private boolean reused;
  private boolean keepAlive;
  private boolean answered;
  // An interim response's head came: the codec's empty last piece after it ends nothing.
  private boolean interim;
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
    interim = false;
    keepAlive = false;
  }

  @Override
  public boolean reused() {
    return reused;
  }

  /** The member sent bytes of a response for this exchange. */
  boolean answered() {
    return answered;
  }

  /** Ends the exchange: back to the pool if it can carry another, else closed. */
  @Override
  public void release(boolean reusable) {
    owner = null;
    if (!reusable || !keepAlive || !ctx.channel().isActive()) {
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
    HttpObject object = (HttpObject) msg;
    if (object.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      owner = null;
      ctx.close();
      current.memberFailed(this, "sent a malformed response", true);
      return;
    }
    answered = true;
    if (interim) {
      interim = false;
      ReferenceCountUtil.release(msg); // the empty last piece after an interim head
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (response.status().code() == 101) {
        owner = null;
        ctx.close();
        current.memberFailed(this, "switched protocols unasked", true);
        return;
      }
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        // 100 Continue and the like: the codec goes on to the real response.
        interim = true;
        return;
      }
      keepAlive = HttpUtil.isKeepAlive(response);
      current.responseHead(response);
    }
    if (msg instanceof HttpContent content) {
      if (owner == current) {
        current.responseContent(content);
      } else {
        content.release(); // the exchange ended on the head (the client went away)
      }
    }
    if (msg instanceof LastHttpContent && owner == current) {
      current.responseDone(this);
    }
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
      current.memberFailed(this, FailureReasons.ofTraffic(cause), answered);
    }
  }
}
