package dev.elbow.dataplane.proxy.tcp;

import dev.elbow.dataplane.proxy.Channels;
import dev.elbow.dataplane.proxy.Deadline;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Copies bytes from its channel to a peer channel, one half of a TCP proxy connection.
 *
 * <p>Backpressure: auto-read is off, and the next read is asked for only while the peer is
 * writable; when the peer's buffer fills past its high-water mark, reading stops until the peer's
 * writability comes back. So a slow reader on one side holds the fast writer on the other at a
 * bounded amount of memory. A half-close (FIN) is passed on as a half-close, so protocols that shut
 * down one direction first keep working.
 */
public final class Relay extends ChannelInboundHandlerAdapter {

  private final Channel peer;
  private final Runnable onFailure;
  private final Deadline idle;

  /**
   * @param onFailure told when this side's channel fails (a member's reset, on the backend side)
   * @param idle the connection's idle timeout, shared by both relays: bytes either way push it back
   *     (Netty's IdleStateHandler would cost a promise and a listener per write)
   */
  public Relay(Channel peer, Runnable onFailure, Deadline idle) {
    this.peer = peer;
    this.onFailure = onFailure;
    this.idle = idle;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    idle.activity();
    // Failures surface as exceptionCaught on the peer, which closes both sides.
    peer.write(msg, peer.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
    if (peer.isWritable() && canRead(ctx.channel())) {
      ctx.read();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && canRead(peer)) {
      peer.read(); // this side drained, so the peer may read what it will write here
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** A channel whose sender has finished has nothing more to read. */
  private static boolean canRead(Channel channel) {
    return !(channel instanceof DuplexChannel duplex) || !duplex.isInputShutdown();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The sender finished: finish the peer's direction too, after what is already queued.
      if (peer instanceof DuplexChannel duplexPeer && peer.isActive()) {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER)
            .addListener(
                (ChannelFutureListener)
                    f -> duplexPeer.shutdownOutput().addListener(s -> closeIfDone(peer)));
      }
      closeIfDone(ctx.channel());
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private static void closeIfDone(Channel channel) {
    // Only once: every close() of a Netty channel, even a closed one, makes an exception object.
    if (channel.isOpen()
        && channel instanceof DuplexChannel duplex
        && duplex.isInputShutdown()
        && duplex.isOutputShutdown()) {
      channel.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    idle.stop();
    Channels.closeOnFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (onFailure != null) {
      onFailure.run();
    }
    Channels.closeOnFlush(ctx.channel());
  }
}
