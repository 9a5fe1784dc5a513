package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.Snapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The listener sockets that are open. Applying a snapshot opens the ports it adds and closes the
 * ports it drops; ports that stay are not touched, and neither are their connections.
 *
 * <p>Only the snapshot applier thread calls this class; it blocks on binds, which is fine there and
 * never happens on an event loop.
 */
public final class ListenerPorts implements AutoCloseable {

  private final Transport transport;
  private final EventLoopGroup loops;
  private final String bindAddress;
  private final ProxyContext proxy;
  private final Map<Integer, Channel> open = new HashMap<>();
  // Event loops that shut down do not close their channels; the data plane does it on close.
  private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  public ListenerPorts(
      Transport transport, EventLoopGroup loops, String bindAddress, ProxyContext proxy) {
    this.transport = transport;
    this.loops = loops;
    this.bindAddress = bindAddress;
    this.proxy = proxy;
  }

  /**
   * Opens every port of the snapshot that is not open yet. All or nothing: if one port cannot be
   * opened, the ones opened by this call are closed again.
   *
   * @return the problems, one per port that failed, as {@code listeners[i].port: ...}; empty on
   *     success
   */
  public List<String> openNew(Snapshot snapshot) {
    List<String> problems = new ArrayList<>();
    List<Integer> opened = new ArrayList<>();
    for (int i = 0; i < snapshot.listeners().size(); i++) {
      int port = snapshot.listeners().get(i).port();
      if (open.containsKey(port)) {
        continue;
      }
      ChannelFuture bind = bootstrap(port).bind(new InetSocketAddress(bindAddress, port));
      bind.awaitUninterruptibly();
      if (bind.isSuccess()) {
        open.put(port, bind.channel());
        opened.add(port);
      } else {
        problems.add(
            "listeners["
                + i
                + "].port: cannot listen on "
                + bindAddress
                + ":"
                + port
                + ": "
                + bind.cause().getMessage());
      }
    }
    if (!problems.isEmpty()) {
      opened.forEach(port -> open.remove(port).close().awaitUninterruptibly());
    }
    return problems;
  }

  /** Closes the ports the snapshot no longer has. Their established connections may finish. */
  public void closeRemoved(Snapshot snapshot) {
    Set<Integer> wanted =
        snapshot.listeners().stream().map(ListenerConfig::port).collect(Collectors.toSet());
    open.keySet()
        .removeIf(
            port -> {
              if (wanted.contains(port)) {
                return false;
              }
              open.get(port).close().awaitUninterruptibly();
              return true;
            });
  }

  /** The ports that are open, for reports and tests. */
  public Set<Integer> openPorts() {
    return Set.copyOf(open.keySet());
  }

  private ServerBootstrap bootstrap(int port) {
    return new ServerBootstrap()
        .group(loops)
        .channel(transport.serverChannelType())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ListenerChannelInitializer(proxy, port, accepted));
  }

  /** Closes every listener port and every connection accepted on one. */
  @Override
  public void close() {
    open.values().forEach(ch -> ch.close().awaitUninterruptibly());
    open.clear();
    accepted.close().awaitUninterruptibly();
  }
}
