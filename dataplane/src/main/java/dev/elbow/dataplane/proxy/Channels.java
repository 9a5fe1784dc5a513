package dev.elbow.dataplane.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/** Small channel helpers the proxy handlers share. */
public final class Channels {

  private Channels() {}

  /** Closes the channel once everything already written to it is flushed. */
  public static void closeOnFlush(Channel channel) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
