package dev.elbow.dataplane.proxy.http2;

import io.netty.channel.ChannelHandler;

/**
 * The member's end of one {@link StreamExchange}, whatever carries it: an HTTP/1.1 connection
 * ({@link MemberLink}) or a stream of a multiplexed HTTP/2 connection ({@link MemberStream}). Both
 * take and give HTTP/2 frames, and report to the exchange on its event loop.
 */
interface MemberEnd extends ChannelHandler {

  /** Starts an exchange. */
  void attach(StreamExchange exchange);

  /**
   * Whether the connection carried traffic before this exchange: a failure before a byte of answer
   * then says little about the member (it may have just closed an idle connection).
   */
  boolean reused();

  /**
   * Ends the exchange.
   *
   * @param requestWhole the whole request went to the member: the connection (or stream) is in a
   *     known state
   */
  void release(boolean requestWhole);
}
