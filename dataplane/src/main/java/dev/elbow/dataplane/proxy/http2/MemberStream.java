package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.health.FailureReasons;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of one stream on a multiplexed HTTP/2 connection to a member: the exchange's frames go
 * out as they are, and the response's frames go to its {@link StreamExchange} as they come. The
 * stream closes when both sides have ended it; a stream ended early is reset (CANCEL) and its
 * connection goes on carrying the others.
 */
final class MemberStream extends ChannelInboundHandlerAdapter implements MemberEnd {

  private final boolean connectionReused;
  private ChannelHandlerContext ctx;
  private StreamExchange owner;
  private boolean answered;

  /**
   * @param connectionReused the stream opened on a connection that carried streams before
   */
  MemberStream(boolean connectionReused) {
    this.connectionReused = connectionReused;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void attach(StreamExchange exchange) {
    owner = exchange;
  }

  @Override
  public boolean reused() {
    return connectionReused;
  }

  @Override
  public void release(boolean requestWhole) {
    owner = null;
    if (ctx.channel().isActive()) {
      ctx.close(); // a stream not yet closed both ways is reset; the connection carries on
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    StreamExchange current = owner;
    if (current == null) {
      ReferenceCountUtil.release(msg);
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
    StreamExchange current = owner;
    owner = null;
    if (current != null) {
      current.memberFailed(this, "reset the stream before the response was whole", answered);
    }
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
