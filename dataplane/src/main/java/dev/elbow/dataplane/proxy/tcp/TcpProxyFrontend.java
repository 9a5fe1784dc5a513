package dev.elbow.dataplane.proxy.tcp;

import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ByteCounter;
import dev.elbow.dataplane.proxy.ClientAddress;
import dev.elbow.dataplane.proxy.Deadline;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.proxy.ProxyHeaders;
import dev.elbow.dataplane.routing.InFlight;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.snapshot.ProxyProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of an accepted TCP connection: picks a member, connects to it (with one retry
 * on another member), and then hands both channels to a pair of {@link Relay}s.
 *
 * <p>Nothing is asked of the client before the backend connection is open. Epoll still reads once
 * when the client half-closes early (it must, to see the end of the stream), so whatever arrives
 * that way, at most one read's worth, is held here and passed on once connected.
 */
public final class TcpProxyFrontend extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(TcpProxyFrontend.class);

  private final ProxyContext proxy;
  private final int port;
  private final ListenerMetrics metrics;
  private final ByteCounter bytes;
  private final ArrayDeque<Object> early = new ArrayDeque<>(2);
  private boolean clientFinished;
  private final InFlight inFlight = new InFlight();
  // For the access log line written when the connection closes.
  private long start;
  private Member member;
  private ErrorKind error;
  private Deadline idle;

  /**
   * @param metrics the listener's counters
   * @param bytes counts the client connection's bytes
   */
  public TcpProxyFrontend(
      ProxyContext proxy, int port, ListenerMetrics metrics, ByteCounter bytes) {
    this.proxy = proxy;
    this.port = port;
    this.metrics = metrics;
    this.bytes = bytes;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel inbound = ctx.channel();
    start = System.nanoTime();
    if (proxy.accessLog() != null) {
      inbound.closeFuture().addListener(f -> logConnection(inbound));
    }
    ListenerRoute route = proxy.routes().get().route(port);
    Member member =
        route == null ? null : route.group().pickFor(ClientAddress.of(inbound).getAddress());
    if (member == null) {
      log.debug(
          "port {}: no member can take the connection from {}", port, inbound.remoteAddress());
      error = ErrorKind.NO_HEALTHY_MEMBER;
      metrics.error(error);
      inbound.close();
      return;
    }
    this.member = member;
    idle = new Deadline(inbound.eventLoop(), inbound::close);
    idle.start(route.config().timeouts().tcpIdleSeconds());
    // Open for least connections until the client side closes (the relay closes both sides).
    inFlight.start(member);
    inbound.closeFuture().addListener(f -> inFlight.finish());
    proxy
        .connector()
        .connect(
            inbound.eventLoop(),
            route.group(),
            member,
            () -> new Relay(inbound, this::backendFailed, idle),
            true,
            metrics,
            new BackendConnector.Callback() {
              @Override
              public void connected(Channel backend, Member chosen) {
                if (!inbound.isActive()) {
                  backend.close();
                  return;
                }
                inFlight.start(chosen); // a retry may have changed the member
                route.group().passed(chosen); // for TCP, a connect is all there is to judge by
                TcpProxyFrontend.this.member = chosen;
                BulkTransfer.configure(backend.config()); // before its first read
                ProxyProtocol header = route.group().config().proxyProtocol();
                if (header != null) {
                  // First on the wire, and at once: the member may be the one to speak first.
                  backend.writeAndFlush(
                      ProxyHeaders.encode(
                          backend.alloc(),
                          header,
                          ClientAddress.of(inbound),
                          ClientAddress.destination(inbound)),
                      backend.voidPromise());
                }
                ctx.pipeline()
                    .replace(TcpProxyFrontend.this, "relay", new Relay(backend, null, idle));
                handOver(inbound);
                backend.read();
              }

              @Override
              public void failed(Member lastTried, Throwable cause) {
                log.debug("port {}: cannot reach {}: {}", port, lastTried, cause.toString());
                error = ErrorKind.ofConnectFailure(cause); // counted by the connector
                inbound.close();
              }
            });
  }

  /** The member's connection failed (reset, most often) while relaying. */
  private void backendFailed() {
    error = ErrorKind.BACKEND_RESET;
    metrics.error(error);
  }

  private void logConnection(Channel inbound) {
    proxy
        .accessLog()
        .log(
            metrics.name(),
            AccessLog.address(ClientAddress.of(inbound)),
            null,
            null,
            null,
            "TCP",
            0,
            bytes.read(),
            bytes.written(),
            member == null ? null : member.toString(),
            System.nanoTime() - start,
            error);
  }

  /** Passes what arrived early to the relay, or asks for the first read. */
  private void handOver(Channel inbound) {
    if (early.isEmpty() && !clientFinished) {
      inbound.read();
      return;
    }
    Object msg;
    while ((msg = early.poll()) != null) {
      inbound.pipeline().fireChannelRead(msg);
    }
    inbound.pipeline().fireChannelReadComplete();
    if (clientFinished) {
      inbound.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    early.add(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      clientFinished = true;
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idle != null) {
      idle.stop(); // closed before a member took it
    }
    early.forEach(ReferenceCountUtil::release);
    early.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
