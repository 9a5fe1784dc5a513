package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.proxy.udp.UdpCounters;
import dev.elbow.dataplane.proxy.udp.UdpDatagrams;
import dev.elbow.dataplane.proxy.udp.UdpProxyFrontend;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerState;
import dev.elbow.snapshot.Snapshot;
import io.netty.bootstrap.Bootstrap;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The listener sockets. {@link #converge} opens the ports a snapshot has and closes the ports it no
 * longer has; ports that stay are not touched, and neither are their connections or UDP flows. A
 * UDP port and a TCP port of the same number are separate sockets.
 *
 * <p>A UDP port is bound once per event loop with SO_REUSEPORT where the transport has it: the
 * kernel then spreads clients over the sockets by their addresses, and every core forwards UDP.
 *
 * <p>A port that cannot be opened (another process holds it, say) does not hold up the rest of the
 * snapshot: it is reported in the listener's state and tried again at the next {@link #converge} or
 * {@link #retryFailed}, so it opens once it is free.
 *
 * <p>Only the snapshot applier thread calls this class; it blocks on binds, which is fine there and
 * never happens on an event loop.
 */
public final class ListenerPorts implements AutoCloseable {

  /** A socket family and port number: what a listener binds. */
  private record Binding(boolean datagram, int port) {
    static Binding of(ListenerConfig listener) {
      return new Binding(listener.isDatagram(), listener.port());
    }

    @Override
    public String toString() {
      return (datagram ? "UDP " : "TCP ") + port;
    }
  }

  private final Transport transport;
  private final EventLoopGroup loops;
  private final Transport datagramTransport;
  private final EventLoopGroup datagramLoops;
  private final int loopCount;
  private final String bindAddress;
  private final ProxyContext proxy;
  private final Map<Binding, List<Channel>> open = new HashMap<>();
  private final Map<Binding, String> failed = new HashMap<>();
  private final Map<Integer, UdpCounters> udpCounters = new ConcurrentHashMap<>();
  // Event loops that shut down do not close their channels; the data plane does it on close.
  private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile List<ListenerState> states = List.of();

  /**
   * @param datagramTransport the transport of UDP sockets, which may differ from the TCP one
   * @param datagramLoops the event loops of UDP sockets and their flows
   */
  public ListenerPorts(
      Transport transport,
      EventLoopGroup loops,
      Transport datagramTransport,
      EventLoopGroup datagramLoops,
      int loopCount,
      String bindAddress,
      ProxyContext proxy) {
    this.transport = transport;
    this.loops = loops;
    this.datagramTransport = datagramTransport;
    this.datagramLoops = datagramLoops;
    this.loopCount = loopCount;
    this.bindAddress = bindAddress;
    this.proxy = proxy;
  }

  /** Opens the snapshot's ports that are not open and closes the ones it dropped. */
  public void converge(Snapshot snapshot) {
    Set<Binding> wanted =
        snapshot.listeners().stream().map(Binding::of).collect(Collectors.toSet());
    failed.keySet().retainAll(wanted);
    for (Binding binding : wanted) {
      if (!open.containsKey(binding)) {
        bind(binding);
      }
    }
    open.keySet()
        .removeIf(
            binding -> {
              if (wanted.contains(binding)) {
                return false;
              }
              open.get(binding).forEach(ch -> ch.close().awaitUninterruptibly());
              if (binding.datagram()) {
                udpCounters.remove(binding.port());
              }
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
    for (Binding binding : List.copyOf(failed.keySet())) {
      opened |= bind(binding);
    }
    states = states(snapshot);
    return opened;
  }

  private boolean bind(Binding binding) {
    InetSocketAddress address = new InetSocketAddress(bindAddress, binding.port());
    List<Channel> channels = new ArrayList<>();
    int sockets = binding.datagram() && datagramTransport.reusePort() != null ? loopCount : 1;
    for (int i = 0; i < sockets; i++) {
      ChannelFuture bind =
          binding.datagram()
              ? datagramBootstrap(binding.port(), sockets > 1).bind(address)
              : serverBootstrap(binding.port()).bind(address);
      bind.awaitUninterruptibly();
      if (!bind.isSuccess()) {
        channels.forEach(ch -> ch.close().awaitUninterruptibly());
        failed.put(
            binding,
            "cannot listen on "
                + (binding.datagram() ? "UDP " : "TCP ")
                + bindAddress
                + ":"
                + binding.port()
                + ": "
                + bind.cause().getMessage());
        return false;
      }
      channels.add(bind.channel());
    }
    open.put(binding, List.copyOf(channels));
    failed.remove(binding);
    return true;
  }

  private List<ListenerState> states(Snapshot snapshot) {
    List<ListenerState> result = new ArrayList<>(snapshot.listeners().size());
    for (ListenerConfig listener : snapshot.listeners()) {
      String reason = failed.get(Binding.of(listener));
      result.add(new ListenerState(listener.name(), listener.port(), reason == null, reason));
    }
    return List.copyOf(result);
  }

  /** Whether each listener of the last converged snapshot has its port open; any thread. */
  public List<ListenerState> states() {
    return states;
  }

  /** The TCP ports that are open, for reports and tests. */
  public Set<Integer> openPorts() {
    return open.keySet().stream()
        .filter(b -> !b.datagram())
        .map(Binding::port)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The counters of every UDP listener port, by port; any thread. */
  public Map<Integer, UdpCounters> allUdpCounters() {
    return Map.copyOf(udpCounters);
  }

  /** What a UDP listener port dropped, or null if no UDP listener has the port; any thread. */
  public UdpCounters udpCounters(int port) {
    return udpCounters.get(port);
  }

  private ServerBootstrap serverBootstrap(int port) {
    return new ServerBootstrap()
        .group(loops)
        .channel(transport.serverChannelType())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ListenerChannelInitializer(proxy, port, accepted));
  }

  private Bootstrap datagramBootstrap(int port, boolean reusePort) {
    UdpCounters counters = udpCounters.computeIfAbsent(port, p -> new UdpCounters());
    Bootstrap bootstrap =
        new Bootstrap()
            .group(datagramLoops)
            .channel(datagramTransport.datagramChannelType())
            // Reads stay on: a datagram socket has no backpressure to apply, and what it cannot
            // take the kernel drops, as a network would.
            .option(ChannelOption.SO_RCVBUF, 4 << 20)
            .option(ChannelOption.SO_SNDBUF, 4 << 20)
            .option(ChannelOption.RCVBUF_ALLOCATOR, UdpDatagrams.RECEIVE)
            .handler(new UdpProxyFrontend(proxy, datagramTransport, port, counters));
    if (reusePort) {
      bootstrap.option(datagramTransport.reusePort(), true);
    }
    UdpDatagrams.readInBatches(bootstrap, datagramTransport);
    return bootstrap;
  }

  /**
   * Stops accepting: closes every listener port (UDP ones too) and asks every accepted connection
   * to finish what it is doing ({@link DrainRequested}). Call it on the thread that converges.
   *
   * @return the connections still open, which leave the group as they close
   */
  public ChannelGroup stopAccepting() {
    open.values().forEach(channels -> channels.forEach(ch -> ch.close().awaitUninterruptibly()));
    open.clear();
    failed.clear();
    for (Channel channel : accepted) {
      channel
          .eventLoop()
          .execute(() -> channel.pipeline().fireUserEventTriggered(DrainRequested.INSTANCE));
    }
    return accepted;
  }

  /** Closes every listener port and every connection accepted on one. */
  @Override
  public void close() {
    open.values().forEach(channels -> channels.forEach(ch -> ch.close().awaitUninterruptibly()));
    open.clear();
    accepted.close().awaitUninterruptibly();
  }
}
