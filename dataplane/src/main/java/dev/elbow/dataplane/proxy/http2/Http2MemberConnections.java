package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.proxy.http.BackendPool;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Multiplexed HTTP/2 connections to the members of groups that speak HTTP/2 (h2 by ALPN over TLS,
 * h2c with prior knowledge otherwise), one set per event loop like the HTTP/1.1 pool, so a loop
 * touches only its own. A stream goes on the first connection to its member with room for one more
 * (the member's SETTINGS_MAX_CONCURRENT_STREAMS, at most {@link #MAX_STREAMS}); a new connection is
 * opened when none has. A connection leaves the pool when the member sends GOAWAY or closes it, and
 * closes itself after {@link BackendPool#IDLE_SECONDS} without a stream.
 */
final class Http2MemberConnections {

  /** Streams one member connection carries at once, as Envoy's default. */
  static final int MAX_STREAMS = 100;

  private static final Object PLAIN = new Object();

  private static final FastThreadLocal<Map<Object, Map<InetSocketAddress, List<Channel>>>> OPEN =
      new FastThreadLocal<>() {
        @Override
        protected Map<Object, Map<InetSocketAddress, List<Channel>>> initialValue() {
          return new HashMap<>();
        }
      };

  private Http2MemberConnections() {}

  /** Opens a stream to {@code first} (or another member if connecting fails) for an exchange. */
  static void acquire(
      ProxyContext proxy,
      EventLoop loop,
      GroupRuntime group,
      Member first,
      boolean fresh,
      ListenerMetrics listener,
      MemberCallback callback) {
    if (!fresh) {
      Channel open = withRoom(connections(group.tls(), first.socketAddress()));
      if (open != null) {
        openStream(open, first, true, callback);
        return;
      }
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
              public void connected(Channel connection, Member member) {
                // HTTP/2 flow control holds senders back; the connection reads on its own.
                connection.config().setAutoRead(true);
                List<Channel> pool = connections(group.tls(), member.socketAddress());
                pool.add(connection);
                connection.closeFuture().addListener(f -> pool.remove(connection));
                openStream(connection, member, false, callback);
              }

              @Override
              public void failed(Member lastTried, Throwable cause) {
                callback.failed(lastTried, cause);
              }
            });
  }

  private static List<Channel> connections(Object tls, InetSocketAddress member) {
    return OPEN.get()
        .computeIfAbsent(tls == null ? PLAIN : tls, k -> new HashMap<>())
        .computeIfAbsent(member, k -> new ArrayList<>(2));
  }

  private static Channel withRoom(List<Channel> open) {
    for (int i = 0; i < open.size(); i++) {
      Channel connection = open.get(i);
      Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
      if (!connection.isActive() || codec == null) {
        continue;
      }
      Http2Connection.Endpoint<?> local = codec.connection().local();
      if (!codec.connection().goAwayReceived()
          && local.numActiveStreams() < Math.min(MAX_STREAMS, local.maxActiveStreams())) {
        return connection;
      }
    }
    return null;
  }

  private static void openStream(
      Channel connection, Member member, boolean reused, MemberCallback callback) {
    callback.connected(connection.pipeline().get(MemberStreams.class).open(reused), member);
  }

  private static ChannelInitializer<Channel> initializer(GroupRuntime group, Member target) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (group.tls() != null) {
          ch.pipeline().addLast(group.tls().newHandler(ch.alloc(), target.socketAddress()));
        }
        ch.pipeline()
            .addLast(
                new IdleStateHandler(0, 0, BackendPool.IDLE_SECONDS, TimeUnit.SECONDS),
                Http2FrameCodecBuilder.forClient().build(),
                new MemberStreams());
      }
    };
  }
}
