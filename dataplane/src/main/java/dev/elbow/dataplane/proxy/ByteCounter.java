package dev.elbow.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes a connection reads and writes, first in its pipeline so it sees them as on the
 * wire (TLS records included): into shared counters (a listener's, a member's), which several event
 * loops add to, and into plain fields for this connection alone (its access log line).
 */
public final class ByteCounter extends ChannelDuplexHandler {

  private final LongAdder received;
  private final LongAdder sent;
  private long read;
  private long written;

  public ByteCounter(LongAdder received, LongAdder sent) {
    this.received = received;
    this.sent = sent;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      int n = buf.readableBytes();
      read += n;
      received.add(n);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf) {
      int n = buf.readableBytes();
      written += n;
      sent.add(n);
    }
    ctx.write(msg, promise);
  }

  /** Bytes this connection has read; its event loop only. */
  public long read() {
    return read;
  }

  /** Bytes written to this connection; its event loop only. */
  public long written() {
    return written;
  }
}
