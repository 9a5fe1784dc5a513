package dev.elbow.dataplane.proxy.http2;

import io.netty.handler.codec.http2.Http2StreamFrame;

/**
 * The member's end of one {@link StreamExchange}, whatever carries it: an HTTP/1.1 connection
 * ({@link MemberLink}) or a stream of a multiplexed HTTP/2 connection ({@link MemberStream}). Both
 * take and give HTTP/2 frames, and report to the exchange on its event loop.
 */
interface MemberEnd {

  /** Starts an exchange. */
  void attach(StreamExchange exchange);

  /**
   * Whether the connection carried traffic before this exchange: a failure before a byte of answer
   * then says little about the member (it may have just closed an idle connection).
   */
  boolean reused();

  /** Writes a frame of the request toward the member (not flushed). */
  void send(Http2StreamFrame frame);

  void flush();

  /** Asks for more of the response: the member may send more once the client took what came. */
  void read();

  /** Whether the member takes more of the request now. */
  boolean isWritable();

  /**
   * Ends the exchange.
   *
   * @param requestWhole the whole request went to the member: the connection (or stream) is in a
   *     known state
   */
  void release(boolean requestWhole);

  /**
   * Ends the exchange and never reuses what carried it (a connection is closed, a stream reset).
   */
  void drop();
}
