package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.tcp.BulkTransfer;
import dev.elbow.dataplane.proxy.tcp.TcpProxyFrontend;
import dev.elbow.dataplane.routing.ListenerRoute;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SniHandler;
import java.net.InetSocketAddress;

/**
 * Sets up each connection accepted on a listener port according to the listener's protocol in the
 * routing table at that moment. Because the choice is made per connection, a listener can change
 * protocol or group without its port being closed and reopened.
 */
public final class ListenerChannelInitializer extends ChannelInitializer<Channel> {

  private final ProxyContext proxy;
  private final int port;
  private final ChannelGroup accepted;

  /**
   * @param accepted every accepted connection joins this group, so shutting down can close them
   */
  public ListenerChannelInitializer(ProxyContext proxy, int port, ChannelGroup accepted) {
    this.proxy = proxy;
    this.port = port;
    this.accepted = accepted;
  }

  @Override
  protected void initChannel(Channel ch) {
    accepted.add(ch);
    ListenerRoute route = proxy.routes().get().route(port);
    if (route == null) {
      ch.close(); // accepted just as the listener was removed
      return;
    }
    // The listener's counters as the connection is accepted; a later change of listener applies to
    // connections accepted after it.
    ListenerMetrics metrics = route.metrics();
    ConnectionLimit limit = proxy.connections();
    if (!limit.tryOpen()) {
      // Closed with a FIN at once: the client sees the connection end, not a hang.
      metrics.error(ErrorKind.CONNECTION_LIMIT);
      ch.close();
      return;
    }
    metrics.accepted();
    ch.closeFuture()
        .addListener(
            f -> {
              metrics.closed();
              limit.closed();
            });
    ByteCounter bytes = new ByteCounter(metrics.bytesIn(), metrics.bytesOut());
    ch.pipeline().addLast(bytes);
    InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
    if (route.readsProxyHeaderFrom(remote.getAddress())) {
      // A trusted upstream load balancer: its PROXY header first, then the listener's protocol.
      ch.pipeline()
          .addLast(
              ProxyHeaderReader.handlers(
                  metrics,
                  route.config().timeouts().requestSeconds(),
                  ctx -> addProtocol(ctx.channel(), route, metrics, bytes)));
    } else {
      addProtocol(ch, route, metrics, bytes);
    }
  }

  private void addProtocol(
      Channel ch, ListenerRoute route, ListenerMetrics metrics, ByteCounter bytes) {
    switch (route.config().protocol()) {
      case TCP -> {
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        BulkTransfer.configure(ch.config());
        // The idle timeout is the relay's own (TcpProxyFrontend), not an IdleStateHandler.
        ch.pipeline().addLast(new TcpProxyFrontend(proxy, port, metrics, bytes));
      }
      case HTTP ->
          // HTTP/1.1, or h2c when the client starts with the HTTP/2 preface.
          ch.pipeline()
              .addLast(new CleartextFrontend(proxy, port, route.config().timeouts(), metrics));
      case HTTPS ->
          ch.pipeline()
              .addLast(
                  // Picks the certificate by the client's SNI, then becomes the TLS handler.
                  new SniHandler(route.certificates().bySni()),
                  new TlsFrontend(proxy, port, route.config().timeouts(), metrics));
      default -> ch.close(); // refused by validation; never in a table
    }
  }
}
