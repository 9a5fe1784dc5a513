package dev.elbow.dataplane.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The I/O transport: Linux io_uring or epoll where their native libraries load and the kernel
 * allows them, Java NIO everywhere else. Every channel the data plane opens comes from here, so a
 * server and the connections it makes to backends always share one transport.
 */
public final class Transport {

  private final String name;
  private final Supplier<IoHandlerFactory> ioHandlerFactory;
  private final Class<? extends ServerChannel> serverChannelType;
  private final Class<? extends Channel> socketChannelType;
  private final Class<? extends DatagramChannel> datagramChannelType;
  private final ChannelOption<Boolean> reusePort;

  private Transport(
      String name,
      Supplier<IoHandlerFactory> ioHandlerFactory,
      Class<? extends ServerChannel> serverChannelType,
      Class<? extends Channel> socketChannelType,
      Class<? extends DatagramChannel> datagramChannelType,
      ChannelOption<Boolean> reusePort) {
    this.name = name;
    this.ioHandlerFactory = ioHandlerFactory;
    this.serverChannelType = serverChannelType;
    this.socketChannelType = socketChannelType;
    this.datagramChannelType = datagramChannelType;
    this.reusePort = reusePort;
  }

  /**
   * The fastest transport this kernel allows: io_uring (it batches the system calls of a whole
   * event-loop turn), else epoll, else NIO. Container runtimes often forbid io_uring by seccomp;
   * then the probe fails and epoll is used.
   */
  public static Transport best() {
    if (IoUring.isAvailable()) {
      return ioUring();
    }
    return Epoll.isAvailable() ? epoll() : nio();
  }

  /**
   * The transport a user asked for by name ("epoll", "io_uring", "nio" or "auto").
   *
   * @throws IllegalArgumentException for an unknown name or an unavailable transport
   */
  public static Transport named(String requested) {
    return switch (requested.toLowerCase(Locale.ROOT)) {
      case "auto" -> best();
      case "nio" -> nio();
      case "io_uring", "iouring" -> {
        if (!IoUring.isAvailable()) {
          throw new IllegalArgumentException(
              "transport io_uring is not available here: " + IoUring.unavailabilityCause());
        }
        yield ioUring();
      }
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(
              "transport epoll is not available here: " + Epoll.unavailabilityCause());
        }
        yield epoll();
      }
      default ->
          throw new IllegalArgumentException(
              "unknown transport \"" + requested + "\"; use auto, epoll, io_uring or nio");
    };
  }

  private static Transport epoll() {
    return new Transport(
        "epoll",
        EpollIoHandler::newFactory,
        EpollServerSocketChannel.class,
        EpollSocketChannel.class,
        EpollDatagramChannel.class,
        EpollChannelOption.SO_REUSEPORT);
  }

  private static Transport ioUring() {
    return new Transport(
        "io_uring",
        IoUringIoHandler::newFactory,
        IoUringServerSocketChannel.class,
        IoUringSocketChannel.class,
        IoUringDatagramChannel.class,
        IoUringChannelOption.SO_REUSEPORT);
  }

  private static Transport nio() {
    return new Transport(
        "nio",
        NioIoHandler::newFactory,
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        NioDatagramChannel.class,
        null);
  }

  /**
   * The transport for UDP sockets: epoll where this transport is io_uring and epoll is available,
   * since Netty's io_uring datagram channels forward about a third fewer datagrams per second than
   * epoll's on the same core (measured with iperf3 through the UDP proxy), while io_uring serves
   * TCP faster. Otherwise this transport.
   */
  public Transport forDatagrams() {
    return name.equals("io_uring") && Epoll.isAvailable() ? epoll() : this;
  }

  /** A group of event loops whose threads are named {@code prefix-N}. */
  public EventLoopGroup newEventLoopGroup(int threads, String prefix) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(prefix, true), ioHandlerFactory.get());
  }

  public Class<? extends ServerChannel> serverChannelType() {
    return serverChannelType;
  }

  public Class<? extends Channel> socketChannelType() {
    return socketChannelType;
  }

  public Class<? extends DatagramChannel> datagramChannelType() {
    return datagramChannelType;
  }

  /**
   * SO_REUSEPORT, or null where the transport has no such option (NIO). With it a UDP port is bound
   * once per event loop and the kernel spreads clients over the sockets, so UDP uses every core.
   */
  public ChannelOption<Boolean> reusePort() {
    return reusePort;
  }

  @Override
  public String toString() {
    return name;
  }
}
