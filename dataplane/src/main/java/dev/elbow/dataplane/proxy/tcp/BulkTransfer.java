package dev.elbow.dataplane.proxy.tcp;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Channel settings for the two sides of a TCP proxy connection, which may carry bulk streams.
 *
 * <p>With Netty's defaults a read is at most 64 KiB and a channel stops being writable past 64 KiB
 * queued, so one read could fill the peer's queue and every read waited for a drain: the relay
 * ping-ponged instead of streaming. Reads here grow to 128 KiB and the queue may hold 256 KiB, so a
 * read and a write overlap. Memory stays bounded: past the high-water mark the relay stops reading,
 * so each direction holds at most one read beyond it.
 */
public final class BulkTransfer {

  /** Reads start at 16 KiB, like HTTP's, and grow while the sender keeps them full. */
  public static final RecvByteBufAllocator RECEIVE =
      new AdaptiveRecvByteBufAllocator(2048, 16 * 1024, 128 * 1024);

  public static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private BulkTransfer() {}

  /** Applies both settings to an accepted or connected channel. */
  public static void configure(ChannelConfig config) {
    config.setRecvByteBufAllocator(RECEIVE);
    config.setWriteBufferWaterMark(WATER_MARK);
  }
}
