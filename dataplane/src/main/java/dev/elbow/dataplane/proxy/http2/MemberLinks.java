package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.proxy.http.BackendPool;
import dev.elbow.dataplane.proxy.http.Http1MemberCodec;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;

/**
 * HTTP/1.1 connections to members for HTTP/2 streams: a pooled keep-alive connection of the event
 * loop when there is one, else a new one through the {@link BackendConnector} (with its one retry
 * on another member), opened on the stream's event loop with auto-read off.
 */
final class MemberLinks {

  private MemberLinks() {}

  /**
   * Gets a connection to {@code first} (or another member when connecting to it fails) and reports
   * it through {@code callback} on the loop's thread.
   *
   * @param fresh true to open a new connection even if the pool has one
   */
  static void acquire(
      ProxyContext proxy,
      EventLoop loop,
      GroupRuntime group,
      Member first,
      boolean fresh,
      ListenerMetrics listener,
      MemberCallback callback) {
    Channel pooled =
        fresh ? null : BackendPool.forStreams().acquire(group.tls(), first.socketAddress());
    if (pooled != null) {
      MemberLink link = pooled.pipeline().get(MemberLink.class);
      link.takenFromPool();
      callback.connected(link, first);
      return;
    }
    proxy
        .connector()
        .connect(
            loop,
            group,
            first,
            () -> initializer(group, first),
            false,
            listener,
            new BackendConnector.Callback() {
              @Override
              public void connected(Channel channel, Member member) {
                callback.connected(channel.pipeline().get(MemberLink.class), member);
              }

              @Override
              public void failed(Member lastTried, Throwable cause) {
                callback.failed(lastTried, cause);
              }
            });
  }

  private static ChannelInitializer<Channel> initializer(GroupRuntime group, Member target) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (group.tls() != null) {
          ch.pipeline().addLast(group.tls().newHandler(ch.alloc(), target.socketAddress()));
        }
        ch.pipeline()
            .addLast(new Http1MemberCodec(), new MemberLink(group.tls(), target.socketAddress()));
      }
    };
  }
}
