package dev.elbow.dataplane.proxy.http2;

import io.netty.handler.codec.http2.Http2StreamFrame;

/**
 * What serves one client stream of an HTTP/2 connection: a proxied exchange ({@link
 * StreamExchange}) or a WebSocket ({@link WebSocketStream}). {@link Http2Streams} hands it the
 * stream's frames and events; it answers through the stream's {@link ClientStream}.
 */
interface ClientStreamHandler {

  /** A HEADERS or DATA frame the client sent on the stream; the handler owns it. */
  void frame(Http2StreamFrame frame);

  /** The stream's writability changed (its window, or the connection's buffer). */
  void clientWritable();

  /** The stream closed: both sides ended it, or it was reset, or the connection went. */
  void clientClosed();
}
