package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;

/**
 * Hands out HTTP connections to members for one exchange at a time: a keep-alive connection from
 * the event loop's {@link BackendPool} when there is one, else a new connection (with the
 * connector's one retry on another member), and takes them back afterwards.
 */
final class BackendConnections {

  static final int POOL_IDLE_SECONDS = BackendPool.IDLE_SECONDS;

  private BackendConnections() {}

  /**
   * Gets a connection to {@code first}, or to another member if connecting to it fails, and reports
   * it through {@code callback} on the loop's thread.
   *
   * @param fresh true to open a new connection even if the pool has one
   * @param listener counts failed connects
   */
  static void acquire(
      ProxyContext proxy,
      EventLoop loop,
      GroupRuntime group,
      Member first,
      boolean fresh,
      ListenerMetrics listener,
      BackendConnector.Callback callback) {
    Channel pooled =
        fresh ? null : BackendPool.current().acquire(group.tls(), first.socketAddress());
    if (pooled != null) {
      callback.connected(pooled, first);
      return;
    }
    proxy
        .connector()
        .connect(loop, group, first, () -> initializer(group, first), false, listener, callback);
  }

  /** Takes a connection back after an exchange: into the pool if it can carry another. */
  static void release(Member member, Channel channel, boolean reusable) {
    HttpBackendHandler handler = channel.pipeline().get(HttpBackendHandler.class);
    handler.detach();
    if (reusable) {
      BackendPool.current().release(handler.poolTls(), member.socketAddress(), channel);
      channel.read(); // so the pool notices when the member closes the idle connection
    } else {
      channel.close();
    }
  }

  private static ChannelInitializer<Channel> initializer(GroupRuntime group, Member target) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (group.tls() != null) {
          // Writes made before the handshake is done wait inside the TLS handler.
          ch.pipeline().addLast(group.tls().newHandler(ch.alloc(), target.socketAddress()));
        }
        ch.pipeline().addLast(new HttpBackendHandler(group.tls(), POOL_IDLE_SECONDS));
      }
    };
  }
}
