package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import io.netty.channel.EventLoop;

/** Gets a {@link MemberEnd} for an exchange: an HTTP/1.1 connection or an HTTP/2 stream. */
@FunctionalInterface
interface MemberAcquirer {
  /**
   * @param fresh true to open a new connection even if the pool has one
   */
  void acquire(
      ProxyContext proxy,
      EventLoop loop,
      GroupRuntime group,
      Member first,
      boolean fresh,
      ListenerMetrics listener,
      MemberCallback callback);
}
