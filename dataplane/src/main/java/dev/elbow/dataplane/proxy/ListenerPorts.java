package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerState;
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
 * The listener sockets. {@link #converge} opens the ports a snapshot has and closes the ports it no
 * longer has; ports that stay are not touched, and neither are their connections.
 *
 * <p>A port that cannot be opened (another process holds it, say) does not hold up the rest of the
 * snapshot: it is reported in the listener's state and tried again at the next {@link #converge} or
 * {@link #retryFailed}, so it opens once it is free.
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
  private final Map<Integer, String> failed = new HashMap<>();
  // Event loops that shut down do not close their channels; the data plane does it on close.
  private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile List<ListenerState> states = List.of();

  public ListenerPorts(
      Transport transport, EventLoopGroup loops, String bindAddress, ProxyContext proxy) {
    this.transport = transport;
    this.loops = loops;
    this.bindAddress = bindAddress;
    this.proxy = proxy;
  }

  /** Opens the snapshot's ports that are not open and closes the ones it dropped. */
  public void converge(Snapshot snapshot) {
    Set<Integer> wanted =
        snapshot.listeners().stream().map(ListenerConfig::port).collect(Collectors.toSet());
    failed.keySet().retainAll(wanted);
    for (int port : wanted) {
      if (!open.containsKey(port)) {
        bind(port);
      }
    }
    open.keySet()
        .removeIf(
            port -> {
              if (wanted.contains(port)) {
                return false;
              }
              open.get(port).close().awaitUninterruptibly();
              return true;
            });
    states = states(snapshot);
  }

  /**
   * Tries the ports that could not be opened once more.
   *
   * @return true if any of them opened
   */
  public boolean retryFailed(Snapshot snapshot) {
    if (failed.isEmpty()) {
      return false;
    }
    boolean opened = false;
    for (int port : List.copyOf(failed.keySet())) {
      opened |= bind(port);
    }
    states = states(snapshot);
    return opened;
  }

  private boolean bind(int port) {
    ChannelFuture bind = bootstrap(port).bind(new InetSocketAddress(bindAddress, port));
    bind.awaitUninterruptibly();
    if (bind.isSuccess()) {
      open.put(port, bind.channel());
      failed.remove(port);
      return true;
    }
    failed.put(
        port, "cannot listen on " + bindAddress + ":" + port + ": " + bind.cause().getMessage());
    return false;
  }

  private List<ListenerState> states(Snapshot snapshot) {
    List<ListenerState> result = new ArrayList<>(snapshot.listeners().size());
    for (ListenerConfig listener : snapshot.listeners()) {
      String reason = failed.get(listener.port());
      result.add(new ListenerState(listener.name(), listener.port(), reason == null, reason));
    }
    return List.copyOf(result);
  }

  /** Whether each listener of the last converged snapshot has its port open; any thread. */
  public List<ListenerState> states() {
    return states;
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
