package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PROXY protocol header (v1 or v2, by Netty's {@link HAProxyMessageDecoder}) that a
 * trusted upstream load balancer sends first, records the client address it gives ({@link
 * ClientAddress}), and only then sets up the listener's protocol, which sees the connection as just
 * opened. A connection whose header is missing, malformed or late (the listener's request timeout)
 * is closed: from a trusted range, a header is required.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ProxyHeaderReader.class);

  private final ListenerMetrics metrics;
  private final int timeoutSeconds;
  private final Consumer<ChannelHandlerContext> protocol;
  private ScheduledFuture<?> deadline;

  /**
   * @param protocol adds the listener's protocol handlers once the header is read
   */
  ProxyHeaderReader(
      ListenerMetrics metrics, int timeoutSeconds, Consumer<ChannelHandlerContext> protocol) {
    this.metrics = metrics;
    this.timeoutSeconds = timeoutSeconds;
    this.protocol = protocol;
  }

  /** The decoder and this reader, in the order they go into the pipeline. */
  static io.netty.channel.ChannelHandler[] handlers(
      ListenerMetrics metrics, int timeoutSeconds, Consumer<ChannelHandlerContext> protocol) {
    return new io.netty.channel.ChannelHandler[] {
      new HAProxyMessageDecoder(), new ProxyHeaderReader(metrics, timeoutSeconds, protocol)
    };
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline =
        ctx.executor().schedule(() -> refuse(ctx, "no header"), timeoutSeconds, TimeUnit.SECONDS);
    ctx.read(); // auto-read is off
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg); // bytes after the header, once the protocol is in place
      return;
    }
    try {
      deadline.cancel(false);
      if (header.command() == HAProxyCommand.PROXY
          && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
              || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
        ClientAddress.told(
            ctx.channel(),
            new InetSocketAddress(header.sourceAddress(), header.sourcePort()),
            new InetSocketAddress(header.destinationAddress(), header.destinationPort()));
      }
      // LOCAL (the upstream's own health check) and UNKNOWN keep the socket's addresses.
    } finally {
      header.release();
    }
    protocol.accept(ctx);
    ctx.fireChannelActive();
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    refuse(ctx, cause.getMessage());
  }

  private void refuse(ChannelHandlerContext ctx, String why) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (ctx.channel().isOpen()) {
      log.debug("{}: PROXY protocol header refused: {}", ctx.channel().remoteAddress(), why);
      metrics.error(ErrorKind.BAD_REQUEST);
      ctx.close();
    }
  }
}
