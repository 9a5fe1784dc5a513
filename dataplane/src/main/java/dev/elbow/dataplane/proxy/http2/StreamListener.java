package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.util.AsciiString;

/**
 * What every stream of one HTTP/2 connection shares: the listener as the connection was accepted.
 *
 * @param secure the client connection is TLS: members are told {@code X-Forwarded-Proto: https}
 */
record StreamListener(
    ProxyContext proxy,
    int port,
    ListenerTimeouts timeouts,
    ListenerMetrics metrics,
    boolean secure,
    AsciiString portText) {

  StreamListener(
      ProxyContext proxy,
      int port,
      ListenerTimeouts timeouts,
      ListenerMetrics metrics,
      boolean secure) {
    this(proxy, port, timeouts, metrics, secure, AsciiString.of(Integer.toString(port)));
  }
}
