package dev.elbow.dataplane.proxy.http2;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamFrame;

/**
 * The client's end of one {@link StreamExchange}, whatever carries it: a stream of an HTTP/2
 * connection ({@link ClientStream}) or an HTTP/1.1 connection handed over to streams ({@link
 * Http1Streams}). The exchange writes HTTP/2 frames to either, as it does to a {@link MemberEnd}.
 */
interface ClientEnd {

  /** The client's protocol, as the access log names it. */
  String protocol();

  /** The client's connection, which knows its address (the PROXY header's, where trusted). */
  Channel connection();

  /** Writes a frame of the response, without flushing. */
  void send(Http2StreamFrame frame);

  /** Sends what was written. */
  void flush();

  /**
   * The body read so far went on: the client may send more (an HTTP/2 stream's window opens by what
   * was read; an HTTP/1.1 connection is read again).
   */
  void read();

  /** Whether the client takes more of the response now (its window is open, its socket drains). */
  boolean isWritable();

  /** The response went out whole before the request ended: the rest of the request is refused. */
  void refuseRest();

  /** The exchange failed after part of the response went out: the client must see it cut. */
  void cut();

  /** The exchange is over, whole or not. */
  void exchangeOver(StreamExchange exchange);
}
