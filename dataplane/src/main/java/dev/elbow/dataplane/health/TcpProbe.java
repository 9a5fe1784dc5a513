package dev.elbow.dataplane.health;

import dev.elbow.dataplane.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;

/** Healthy when a TCP connection opens within the timeout. */
public final class TcpProbe implements Probe {

  private final Transport transport;
  private final int timeoutSeconds;

  public TcpProbe(Transport transport, int timeoutSeconds) {
    this.transport = transport;
    this.timeoutSeconds = timeoutSeconds;
  }

  @Override
  public Future<ProbeResult> check(EventLoop loop, InetSocketAddress target) {
    Promise<ProbeResult> result = loop.newPromise();
    new Bootstrap()
        .group(loop)
        .channel(transport.socketChannelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutSeconds * 1000)
        // Reset instead of a graceful close: thousands of checks must not leave sockets in
        // TIME_WAIT on the data plane.
        .option(ChannelOption.SO_LINGER, 0)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(target)
        .addListener(
            (ChannelFutureListener)
                (ChannelFuture connected) -> {
                  if (connected.isSuccess()) {
                    connected.channel().close();
                    result.trySuccess(ProbeResult.passed());
                  } else {
                    result.trySuccess(
                        ProbeResult.failed(FailureReasons.of(connected.cause(), timeoutSeconds)));
                  }
                });
    return result;
  }
}
