package dev.elbow.dataplane.health;

import dev.elbow.dataplane.tls.BackendTlsContexts;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.ExpectedCodes;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Healthy when a GET (over TLS for HTTPS checks) of the configured path answers with an expected
 * status within the timeout.
 */
public final class HttpProbe implements Probe {

  private final Transport transport;
  private final int timeoutSeconds;
  private final String path;
  private final String host;
  private final ExpectedCodes expectedCodes;
  private final BackendTlsContexts tls;

  /**
   * @param host the Host header to send; null sends the member's address and port
   * @param tls for HTTPS checks, how to verify the member; null for plain HTTP
   */
  public HttpProbe(
      Transport transport,
      int timeoutSeconds,
      String path,
      String host,
      ExpectedCodes expected,
      BackendTlsContexts tls) {
    this.tls = tls;
    this.transport = transport;
    this.timeoutSeconds = timeoutSeconds;
    this.path = path;
    this.host = host;
    this.expectedCodes = expected;
  }

  @Override
  public Future<ProbeResult> check(EventLoop loop, InetSocketAddress target) {
    Promise<ProbeResult> result = loop.newPromise();
    ChannelFuture connect =
        new Bootstrap()
            .group(loop)
            .channel(transport.socketChannelType())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutSeconds * 1000)
            .option(ChannelOption.SO_LINGER, 0)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc(), target));
                    }
                    ch.pipeline().addLast(new HttpClientCodec(), new StatusReader(result));
                  }
                })
            .connect(target);
    Channel channel = connect.channel();
    // One deadline for connect, request and response together.
    Future<?> deadline =
        loop.schedule(
            () -> {
              if (result.trySuccess(ProbeResult.failed(FailureReasons.timeout(timeoutSeconds)))) {
                channel.close();
              }
            },
            timeoutSeconds,
            TimeUnit.SECONDS);
    result.addListener(done -> deadline.cancel(false));
    connect.addListener(
        (ChannelFutureListener)
            connected -> {
              if (!connected.isSuccess()) {
                result.trySuccess(
                    ProbeResult.failed(FailureReasons.of(connected.cause(), timeoutSeconds)));
                return;
              }
              channel.writeAndFlush(request(target));
            });
    return result;
  }

  private FullHttpRequest request(InetSocketAddress target) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    String hostHeader = host != null ? host : NetUtil.toSocketAddressString(target);
    request
        .headers()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.USER_AGENT, "elbow-health-check")
        .set(HttpHeaderNames.ACCEPT, "*/*")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return request;
  }

  /** Reads the status line, decides, and closes: the body is of no interest. */
  private final class StatusReader extends SimpleChannelInboundHandler<HttpObject> {
    private final Promise<ProbeResult> result;

    StatusReader(Promise<ProbeResult> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200) {
          return; // an interim response; the real one follows
        }
        result.trySuccess(
            expectedCodes.matches(code)
                ? ProbeResult.passed()
                : ProbeResult.failed("HTTP " + code));
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.trySuccess(ProbeResult.failed("connection closed before a response"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.trySuccess(ProbeResult.failed(FailureReasons.of(cause, timeoutSeconds)));
      ctx.close();
    }
  }
}
