package dev.elbow.dataplane.health;

import dev.elbow.dataplane.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Healthy when a probe datagram, sent on a socket connected to the member, draws a reply within the
 * timeout (containing the expected text, when one is set). A member with nothing on the port
 * answers with ICMP port-unreachable, which the connected socket reports as an error: that fails
 * the check at once instead of waiting for the timeout.
 */
public final class UdpProbe implements Probe {

  private final Transport transport;
  private final int timeoutSeconds;
  private final byte[] send;
  private final String expect;
  private final boolean quic;
  private final byte[] prefix;

  /**
   * @param send the probe's payload (UTF-8); null sends an empty datagram, or for QUIC members a
   *     packet that every QUIC server answers (see {@link QuicVersionProbe})
   * @param expect text the reply must contain; null accepts any reply
   * @param quic the members speak QUIC
   * @param prefix bytes sent before the payload (a PROXY protocol LOCAL header for members that
   *     expect one on every datagram); empty for none
   */
  public UdpProbe(
      Transport transport,
      int timeoutSeconds,
      String send,
      String expect,
      boolean quic,
      byte[] prefix) {
    this.transport = transport;
    this.timeoutSeconds = timeoutSeconds;
    this.quic = quic && send == null;
    this.send = send == null ? new byte[0] : send.getBytes(StandardCharsets.UTF_8);
    this.expect = expect;
    this.prefix = prefix;
  }

  @Override
  public Future<ProbeResult> check(EventLoop loop, InetSocketAddress target) {
    Promise<ProbeResult> result = loop.newPromise();
    new Bootstrap()
        .group(loop)
        .channel(transport.datagramChannelType())
        .handler(new Reply(result))
        .connect(target)
        .addListener(
            connected -> {
              Channel channel = ((io.netty.channel.ChannelFuture) connected).channel();
              if (!connected.isSuccess()) {
                result.trySuccess(
                    ProbeResult.failed(FailureReasons.of(connected.cause(), timeoutSeconds)));
                channel.close();
                return;
              }
              channel.writeAndFlush(
                  Unpooled.wrappedBuffer(prefix, quic ? QuicVersionProbe.packet() : send));
              var timeout =
                  loop.schedule(
                      () ->
                          result.trySuccess(
                              ProbeResult.failed("no reply within " + timeoutSeconds + "s")),
                      timeoutSeconds,
                      TimeUnit.SECONDS);
              result.addListener(
                  done -> {
                    timeout.cancel(false);
                    channel.close();
                  });
            });
    return result;
  }

  private final class Reply extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Promise<ProbeResult> result;

    Reply(Promise<ProbeResult> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf reply = packet.content();
      if (quic) {
        result.trySuccess(
            QuicVersionProbe.isVersionNegotiation(reply)
                ? ProbeResult.passed()
                : ProbeResult.failed("reply is not QUIC version negotiation"));
      } else if (expect == null || reply.toString(StandardCharsets.UTF_8).contains(expect)) {
        result.trySuccess(ProbeResult.passed());
      } else {
        result.trySuccess(ProbeResult.failed("reply without \"" + expect + "\""));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.trySuccess(
          ProbeResult.failed(
              cause instanceof PortUnreachableException
                  ? "port unreachable (ICMP)"
                  : FailureReasons.of(cause, timeoutSeconds)));
    }
  }
}
