package dev.elbow.dataplane.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive connections to members, one pool per event loop. A client connection only takes
 * backend connections from the pool of its own event loop, so the pool needs no locks: every use of
 * it happens on its one thread.
 */
public final class BackendPool {

  /**
   * Idle connections kept per member and event loop; more are closed when released. Enough for
   * every client connection of a busy loop to find one, so steady keep-alive load opens none.
   */
  static final int MAX_IDLE_PER_MEMBER = 512;

  /**
   * Idle pooled connections are closed after this long: shorter than most servers' keep-alive
   * timeouts, so the proxy rarely reuses a connection the member is just closing.
   */
  public static final int IDLE_SECONDS = 15;

  private static final FastThreadLocal<BackendPool> POOLS =
      new FastThreadLocal<>() {
        @Override
        protected BackendPool initialValue() {
          return new BackendPool();
        }
      };

  /** The kind of connection of members reached without TLS. */
  private static final Object PLAIN = new Object();

  // By the TLS settings the connections were opened with (a group's TLS contexts, or PLAIN), then
  // by member: a connection verified under one group's trust is never lent to another group. Two
  // lookups and no key object, so a request allocates nothing here.
  private final Map<Object, Map<InetSocketAddress, ArrayDeque<Channel>>> idle = new HashMap<>();

  /**
   * Connections whose pipeline holds Netty's HTTP codec, for HTTP/2 streams' exchanges: never lent
   * to the HTTP/1 proxy, whose connections parse bytes in place.
   */
  private static final FastThreadLocal<BackendPool> STREAM_POOLS =
      new FastThreadLocal<>() {
        @Override
        protected BackendPool initialValue() {
          return new BackendPool();
        }
      };

  /** The pool of the calling event loop. */
  static BackendPool current() {
    return POOLS.get();
  }

  /** The calling event loop's pool of connections that carry HTTP/2 streams' exchanges. */
  public static BackendPool forStreams() {
    return STREAM_POOLS.get();
  }

  /**
   * An open idle connection to the member, or null.
   *
   * @param tls the TLS contexts the connection must have been opened with; null for plain TCP
   */
  public Channel acquire(Object tls, InetSocketAddress member) {
    Map<InetSocketAddress, ArrayDeque<Channel>> byMember = idle.get(tls == null ? PLAIN : tls);
    ArrayDeque<Channel> channels = byMember == null ? null : byMember.get(member);
    if (channels == null) {
      return null;
    }
    Channel channel;
    while ((channel = channels.pollFirst()) != null) {
      if (channel.isActive()) {
        return channel;
      }
    }
    return null;
  }

  /** Keeps the connection for reuse, most recently used first, or closes it if enough are kept. */
  public void release(Object tls, InetSocketAddress member, Channel channel) {
    ArrayDeque<Channel> channels =
        idle.computeIfAbsent(tls == null ? PLAIN : tls, t -> new HashMap<>())
            .computeIfAbsent(member, m -> new ArrayDeque<>());
    if (channels.size() >= MAX_IDLE_PER_MEMBER || !channel.isActive()) {
      channel.close();
    } else {
      channels.offerFirst(channel);
    }
  }

  /** Forgets a connection that closed while idle. */
  public void remove(Object tls, InetSocketAddress member, Channel channel) {
    Map<InetSocketAddress, ArrayDeque<Channel>> byMember = idle.get(tls == null ? PLAIN : tls);
    ArrayDeque<Channel> channels = byMember == null ? null : byMember.get(member);
    if (channels != null) {
      channels.remove(channel);
      if (channels.isEmpty()) {
        byMember.remove(member);
        if (byMember.isEmpty()) {
          idle.remove(tls == null ? PLAIN : tls);
        }
      }
    }
  }
}
