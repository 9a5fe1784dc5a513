package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.http.HttpProxyFrontend;
import dev.elbow.dataplane.proxy.http2.Http2Frontend;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Sits behind the TLS handshake of an HTTPS listener connection and, once the client and the
 * listener agree on a protocol by ALPN, puts the matching proxy in its place: HTTP/1.1 (also for
 * clients that offer no ALPN), or HTTP/2, whose streams are proxied to the members as HTTP/1.1,
 * streamed.
 *
 * <p>Connections have auto-read off, so nothing reads the ClientHello unless asked: this handler
 * asks once, when the connection opens; the TLS handler reads on by itself until the handshake is
 * done, and the proxy put in place reads from then on.
 */
final class TlsFrontend extends ApplicationProtocolNegotiationHandler {

  private final ProxyContext proxy;
  private final int port;
  private final ListenerTimeouts timeouts;
  private final ListenerMetrics metrics;

  TlsFrontend(ProxyContext proxy, int port, ListenerTimeouts timeouts, ListenerMetrics metrics) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.proxy = proxy;
    this.port = port;
    this.timeouts = timeouts;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.read();
    super.channelActive(ctx);
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      ctx.pipeline().addLast(Http2Frontend.handlers(proxy, port, timeouts, metrics, true));
    } else {
      ctx.pipeline().addLast(new HttpProxyFrontend(proxy, port, timeouts, metrics, true));
    }
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    metrics.error(ErrorKind.TLS_HANDSHAKE);
    ctx.close(); // a client that cannot speak TLS 1.2 or later, or that gave up: nothing to log
  }
}
