package dev.elbow.dataplane.proxy.udp;

import dev.elbow.dataplane.lb.RendezvousHash;
import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.QuicLearning;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.HealthState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Forwards the datagrams of one UDP listener socket. Each client address and port is a flow with
 * its own backend-side socket ({@link UdpSession}), so a member's replies go back to the client
 * that caused them. A flow keeps its member while the member stays in the group and is not
 * unhealthy; idle flows expire after the listener's UDP idle timeout.
 *
 * <p>The member of a new flow is picked by the group's algorithm. For QUIC_CID it is a consistent
 * hash of the QUIC destination connection ID, so a client whose address or port changes (NAT
 * rebinding, connection migration) opens a new flow that lands on the same member. Datagrams that
 * are not QUIC are hashed by source address instead; malformed QUIC datagrams are dropped and
 * counted, and so are datagrams too large to receive whole ({@link UdpDatagrams}). Everything runs
 * on the socket's event loop: the flow table needs no lock.
 */
public final class UdpProxyFrontend extends SimpleChannelInboundHandler<DatagramPacket>
    implements UdpSession.Owner {

  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ProxyContext proxy;
  private final Transport transport;
  private final int port;
  private final UdpCounters counters;
  private UdpFlowTable<UdpSession> flows;
  private long idleNanos;
  private int countedFlows;
  private ChannelHandlerContext ctx;
  private Future<?> sweeper;
  // Sessions with datagrams written since the last flush; flushed once per read batch.
  private final ArrayList<UdpSession> unflushed = new ArrayList<>();

  /**
   * @param transport the transport of the listener socket, which the flows' sockets must share
   */
  public UdpProxyFrontend(ProxyContext proxy, Transport transport, int port, UdpCounters counters) {
    super(false); // payloads are handed on, not released here
    this.proxy = proxy;
    this.transport = transport;
    this.port = port;
    this.counters = counters;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    sweeper =
        ctx.executor()
            .scheduleWithFixedDelay(this::sweep, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    sweeper.cancel(false);
    if (flows != null) {
      flows.clear(UdpSession::close);
      countOpenFlows();
    }
    ctx.fireChannelInactive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf payload = packet.content();
    ListenerRoute route = proxy.routes().get().datagramRoute(port);
    if (route == null) {
      payload.release(); // the listener is going away
      return;
    }
    if (UdpDatagrams.oversized(payload)) {
      counters.oversized.increment(); // cut short by the receive buffer: forwarding it would lie
      payload.release();
      return;
    }
    route.metrics().bytesIn().add(payload.readableBytes());
    UdpFlowTable<UdpSession> table = flowsFor(route);
    InetSocketAddress client = packet.sender();
    long now = System.nanoTime();
    UdpSession session = table.use(client, now);
    if (session != null && !session.stillServes(route.group())) {
      table.close(client); // its member left or failed: the flow starts over with another
      session.close();
      countOpenFlows();
      session = null;
    }
    if (session == null) {
      session = open(route, client, payload, now);
      if (session == null) {
        payload.release();
        return;
      }
    }
    if (session.send(payload)) {
      unflushed.add(session);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (int i = 0; i < unflushed.size(); i++) {
      unflushed.get(i).flush();
    }
    unflushed.clear();
    ctx.fireChannelReadComplete();
  }

  private UdpSession open(
      ListenerRoute route, InetSocketAddress client, ByteBuf payload, long now) {
    GroupRuntime group = route.group();
    Member member;
    if (group.config().algorithm() == Algorithm.QUIC_CID) {
      long located = QuicConnectionId.locate(payload, shortIdLength(group.quicLearning()));
      if (located == QuicConnectionId.MALFORMED) {
        counters.malformed.increment();
        return null;
      }
      member =
          located == QuicConnectionId.NOT_QUIC
              ? group.pickByHash(addressHash(client))
              : quicMember(group, QuicConnectionId.hash(payload, located));
    } else {
      member = group.pickFor(client.getAddress()); // SOURCE_IP: every port of an IP alike
    }
    if (member == null) {
      counters.noMember.increment();
      route.metrics().error(ErrorKind.NO_HEALTHY_MEMBER);
      return null;
    }
    if (!flows.admit()) {
      counters.flowsRefused.increment();
      return null;
    }
    UdpSession session =
        UdpSession.open(
            transport,
            ctx.channel(),
            client,
            member,
            group,
            this,
            counters,
            route.metrics(),
            proxy.accessLog());
    flows.open(client, session, now);
    counters.flowsOpened.increment();
    countOpenFlows();
    return session;
  }

  /**
   * The member that chose this connection ID, if it can still take the flow (a client that changed
   * address); else the consistent hash of the ID (a new connection).
   */
  private static Member quicMember(GroupRuntime group, long idHash) {
    String owner = group.quicLearning().ownerOf(idHash);
    if (owner != null) {
      Member chosen = group.member(owner);
      if (chosen != null
          && chosen.weight() > 0
          && chosen.health().state() != HealthState.UNHEALTHY) {
        return chosen;
      }
    }
    return group.pickByHash(idHash);
  }

  /** Before a length is known, short headers cannot be read: hash them by address. */
  private static int shortIdLength(QuicLearning length) {
    int known = length.idLength();
    return known == QuicLearning.UNKNOWN ? Integer.MAX_VALUE : known;
  }

  private static long addressHash(InetSocketAddress client) {
    return RendezvousHash.mix(client.getAddress().hashCode() * 31L + client.getPort());
  }

  /** The flow table, made or re-timed for the route's idle timeout. */
  private UdpFlowTable<UdpSession> flowsFor(ListenerRoute route) {
    long idle = TimeUnit.SECONDS.toNanos(route.config().timeouts().udpIdleSeconds());
    if (flows == null) {
      flows = new UdpFlowTable<>(proxy.udpMaxFlows(), idle);
    } else if (idle != idleNanos) {
      flows.idleNanos(idle);
    }
    idleNanos = idle;
    return flows;
  }

  private void sweep() {
    if (flows != null) {
      flows.expire(System.nanoTime(), UdpSession::close);
      countOpenFlows();
    }
  }

  @Override
  public void closed(UdpSession session) {
    flows.close(session.client(), session);
    countOpenFlows();
  }

  @Override
  public void used(UdpSession session) {
    flows.use(session.client(), System.nanoTime());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A UDP listener socket has no peer to fail: an error (an ICMP message for some earlier
    // reply, say) concerns one datagram, and the socket goes on serving.
  }

  /** Brings the port's open-flow gauge in line with this socket's table. */
  private void countOpenFlows() {
    int size = flows == null ? 0 : flows.size();
    counters.flowsOpen.add(size - countedFlows);
    countedFlows = size;
  }

  /** Open flows, for tests. */
  int flowCount() {
    return flows == null ? 0 : flows.size();
  }
}
