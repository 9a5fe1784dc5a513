package dev.elbow.dataplane.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The user event a stopping data plane fires on every client connection: HTTP/1 connections finish
 * the exchange in progress and close (idle ones at once), HTTP/2 connections send GOAWAY and close
 * once their streams are done. TCP connections take no notice; the drain deadline closes them.
 */
public enum DrainRequested {
  INSTANCE;

  /** Closes an HTTP/2 connection on the event: the codec makes that a GOAWAY and a wait. */
  public static final class ClosesHttp2 extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event == INSTANCE) {
        ctx.channel().close();
        return;
      }
      ctx.fireUserEventTriggered(event);
    }
  }
}
