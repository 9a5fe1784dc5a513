package dev.elbow.dataplane.proxy.udp;

import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.ProxyHeaders;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.MemberTraffic;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ProxyProtocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.ArrayDeque;

/**
 * One UDP flow on the backend side: a socket connected to the flow's member, on the event loop of
 * the listener socket, so replies are sent back to the client without any hand-over between
 * threads. Datagrams that arrive before the socket is connected wait in a short queue; beyond it
 * they are dropped, as a network would drop them.
 */
final class UdpSession {

  /** Datagrams held while the backend socket connects; more than this are dropped. */
  private static final int MAX_PENDING = 64;

  /** What the listener learns from a session. */
  interface Owner {
    /** The session ended by itself (its socket failed): forget its flow. */
    void closed(UdpSession session);

    /** A datagram went through the flow, either way. */
    void used(UdpSession session);
  }

  private final Channel listener;
  private final InetSocketAddress client;
  private final Owner owner;
  private final UdpCounters counters;
  private final ListenerMetrics metrics;
  private final AccessLog accessLog;
  private final String endpoint;
  private final boolean learnsQuic;
  // The PROXY protocol v2 header each datagram to the member starts with, or null.
  private final byte[] proxyHeader;
  // Counted while the flow is open, for least connections; the same object across snapshots.
  private final MemberTraffic traffic;
  private Member member;
  private GroupRuntime group;
  private Channel backend;
  private ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private boolean closed;
  private boolean unflushed;
  // This flow's own figures, for its access log line.
  private final long start = System.nanoTime();
  private long bytesIn;
  private long bytesOut;
  private ErrorKind error;

  private UdpSession(
      Channel listener,
      InetSocketAddress client,
      Member member,
      GroupRuntime group,
      Owner owner,
      UdpCounters counters,
      ListenerMetrics metrics,
      AccessLog accessLog) {
    this.listener = listener;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.client = client;
    this.member = member;
    this.group = group;
    this.owner = owner;
    this.counters = counters;
    this.endpoint = member.config().endpoint();
    this.learnsQuic = group.config().algorithm() == Algorithm.QUIC_CID;
    // Every datagram carries it, not only a flow's first: each stands alone, and a lost first
    // datagram or a restarted member must not leave the rest without the client's address.
    this.proxyHeader =
        group.config().proxyProtocol() == ProxyProtocol.V2
            ? ProxyHeaders.datagram(client, (InetSocketAddress) listener.localAddress())
            : null;
    this.traffic = member.traffic();
    traffic.started();
  }

  /**
   * Opens a session to {@code member}; datagrams may be sent at once.
   *
   * @param metrics the listener's counters (bytes to clients, errors)
   * @param accessLog null when the access log is off
   */
  static UdpSession open(
      Transport transport,
      Channel listener,
      InetSocketAddress client,
      Member member,
      GroupRuntime group,
      Owner owner,
      UdpCounters counters,
      ListenerMetrics metrics,
      AccessLog accessLog) {
    UdpSession session =
        new UdpSession(listener, client, member, group, owner, counters, metrics, accessLog);
    ChannelFuture connect =
        new Bootstrap()
            .group(listener.eventLoop())
            .channel(transport.datagramChannelType())
            .option(ChannelOption.RCVBUF_ALLOCATOR, UdpDatagrams.RECEIVE)
            .handler(session.new FromMember())
            .connect(member.socketAddress());
    session.backend = connect.channel();
    member.traffic().track(session.backend);
    connect.addListener(f -> session.connected(f.isSuccess()));
    return session;
  }

  InetSocketAddress client() {
    return client;
  }

  Member member() {
    return member;
  }

  /**
   * Whether the flow may stay with its member under this group: the member is still in it and not
   * known to be unhealthy. A member of weight 0 keeps its flows (it drains) but gets no new ones.
   */
  boolean stillServes(GroupRuntime current) {
    if (current != group) {
      Member same = current.member(endpoint);
      if (same == null) {
        return false;
      }
      member = same;
      group = current;
    }
    return member.health().state() != HealthState.UNHEALTHY;
  }

  /**
   * Queues a client's datagram for the member; takes ownership of {@code payload}. The owner calls
   * {@link #flush} once per batch of datagrams read, so a busy flow costs one system call per
   * batch, not per datagram.
   *
   * @return true if the session now has datagrams waiting for {@link #flush}
   */
  boolean send(ByteBuf payload) {
    if (closed) {
      payload.release();
    } else if (pending != null) {
      if (pending.size() < MAX_PENDING) {
        counted(payload);
        // Copied: a datagram read in a batch is a slice that would hold the batch's whole buffer.
        pending.add(withProxyHeader(ownCopy(payload)));
      } else {
        counters.queueFull.increment();
        payload.release();
      }
    } else {
      counted(payload);
      backend.write(withProxyHeader(payload), backend.voidPromise());
      if (!unflushed) {
        unflushed = true;
        return true;
      }
    }
    return false;
  }

  private void counted(ByteBuf payload) {
    int n = payload.readableBytes();
    bytesIn += n;
    traffic.bytesSent().add(n);
  }

  private ByteBuf ownCopy(ByteBuf payload) {
    if (proxyHeader != null) {
      return payload; // withProxyHeader copies it anyway
    }
    ByteBuf copy = listener.alloc().directBuffer(payload.readableBytes()).writeBytes(payload);
    payload.release();
    return copy;
  }

  private ByteBuf withProxyHeader(ByteBuf payload) {
    if (proxyHeader == null) {
      return payload;
    }
    ByteBuf framed = listener.alloc().directBuffer(proxyHeader.length + payload.readableBytes());
    framed.writeBytes(proxyHeader).writeBytes(payload);
    payload.release();
    return framed;
  }

  /** Sends what {@link #send} queued. */
  void flush() {
    if (unflushed) {
      unflushed = false;
      backend.flush();
    }
  }

  private void connected(boolean success) {
    ArrayDeque<ByteBuf> waiting = pending;
    pending = null;
    if (closed) {
      waiting.forEach(ByteBuf::release);
      return;
    }
    if (!success) {
      waiting.forEach(ByteBuf::release);
      fail();
      return;
    }
    for (ByteBuf payload : waiting) {
      backend.write(payload, backend.voidPromise());
    }
    backend.flush();
  }

  /** Closes the backend socket, for an owner that has already forgotten the flow. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    traffic.finished();
    if (accessLog != null) {
      accessLog.log(
          metrics.name(),
          AccessLog.address(client),
          null,
          null,
          null,
          "UDP",
          0,
          bytesIn,
          bytesOut,
          endpoint,
          System.nanoTime() - start,
          error);
    }
    if (pending != null) {
      pending.forEach(ByteBuf::release);
      pending.clear();
    }
    backend.close();
  }

  private void fail() {
    if (!closed) {
      close();
      owner.closed(this);
    }
  }

  /** Datagrams from the member, sent back to the client from the listener's port. */
  private final class FromMember extends SimpleChannelInboundHandler<DatagramPacket> {

    FromMember() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf payload = packet.content();
      if (closed) {
        payload.release();
        return;
      }
      if (UdpDatagrams.oversized(payload)) {
        counters.oversized.increment(); // cut short by the receive buffer: no use to the client
        payload.release();
        return;
      }
      if (learnsQuic) {
        long source = QuicConnectionId.locateSource(payload);
        if (source >= 0 && QuicConnectionId.length(source) > 0) {
          group
              .quicLearning()
              .learn(
                  QuicConnectionId.length(source),
                  QuicConnectionId.hash(payload, source),
                  endpoint);
        }
      }
      owner.used(UdpSession.this);
      int n = payload.readableBytes();
      bytesOut += n;
      traffic.bytesReceived().add(n);
      metrics.bytesOut().add(n);
      listener.write(new DatagramPacket(payload, client), listener.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      listener.flush(); // one flush per batch of replies read in this loop turn
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // An ICMP port-unreachable from the member arrives as an error on the connected socket.
      if (cause instanceof PortUnreachableException) {
        counters.unreachable.increment();
        error = ErrorKind.CONNECT_REFUSED; // nothing listens on the member's port
        metrics.error(error);
      }
      fail();
    }
  }
}
