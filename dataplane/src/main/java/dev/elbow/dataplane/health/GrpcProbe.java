package dev.elbow.dataplane.health;

import dev.elbow.dataplane.tls.BackendTlsContexts;
import dev.elbow.dataplane.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC health checking protocol ({@code grpc.health.v1.Health/Check}): healthy when the member
 * answers SERVING for the service name within the timeout, over HTTP/2 (h2 by ALPN for HTTPS
 * groups, h2c otherwise). The two messages are small enough to write and read by hand: {@code
 * HealthCheckRequest} has the service name as field 1, {@code HealthCheckResponse} the serving
 * status as field 1 (UNKNOWN 0, SERVING 1, NOT_SERVING 2, SERVICE_UNKNOWN 3).
 */
public final class GrpcProbe implements Probe {

  private static final String PATH = "/grpc.health.v1.Health/Check";
  private static final int SERVING = 1;
  private static final String[] SERVING_STATUS = {
    "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"
  };

  private final Transport transport;
  private final int timeoutSeconds;
  private final byte[] request;
  private final BackendTlsContexts tls;

  /**
   * @param service the service asked about; null or empty asks about the server
   * @param tls for HTTPS groups, how to verify the member (offering h2); null for h2c
   */
  public GrpcProbe(
      Transport transport, int timeoutSeconds, String service, BackendTlsContexts tls) {
    this.transport = transport;
    this.timeoutSeconds = timeoutSeconds;
    this.tls = tls;
    this.request = message(service == null ? "" : service);
  }

  /** The gRPC message: not compressed, its length, then HealthCheckRequest. */
  static byte[] message(String service) {
    byte[] name = service.getBytes(StandardCharsets.UTF_8);
    ByteBuf body = Unpooled.buffer();
    if (name.length > 0) {
      body.writeByte(0x0A); // field 1, length-delimited
      writeVarint(body, name.length);
      body.writeBytes(name);
    }
    byte[] out = new byte[5 + body.readableBytes()];
    out[0] = 0;
    out[1] = (byte) (body.readableBytes() >>> 24);
    out[2] = (byte) (body.readableBytes() >>> 16);
    out[3] = (byte) (body.readableBytes() >>> 8);
    out[4] = (byte) body.readableBytes();
    body.readBytes(out, 5, body.readableBytes());
    return out;
  }

  private static void writeVarint(ByteBuf out, int value) {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  /**
   * The serving status in a gRPC message holding HealthCheckResponse, or -1 if it cannot be read.
   */
  static int servingStatus(ByteBuf message) {
    if (message.readableBytes() < 5 || message.getByte(message.readerIndex()) != 0) {
      return -1; // too short, or compressed (never asked for)
    }
    int length = message.getInt(message.readerIndex() + 1);
    if (message.readableBytes() - 5 < length) {
      return -1;
    }
    int i = message.readerIndex() + 5;
    int end = i + length;
    int status = 0; // proto3: a field left out has its default, UNKNOWN
    while (i < end) {
      int tag = message.getByte(i++) & 0xFF;
      if (tag == 0x08) { // field 1, varint
        int value = 0;
        int shift = 0;
        byte b;
        do {
          if (i >= end || shift > 28) {
            return -1;
          }
          b = message.getByte(i++);
          value |= (b & 0x7F) << shift;
          shift += 7;
        } while ((b & 0x80) != 0);
        status = value;
      } else {
        return status; // a field this probe does not know: what came before stands
      }
    }
    return status;
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
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                  }
                })
            .connect(target);
    Channel channel = connect.channel();
    Future<?> deadline =
        loop.schedule(
            () -> {
              result.trySuccess(ProbeResult.failed(FailureReasons.timeout(timeoutSeconds)));
            },
            timeoutSeconds,
            TimeUnit.SECONDS);
    result.addListener(
        done -> {
          deadline.cancel(false);
          channel.close();
        });
    connect.addListener(
        (ChannelFutureListener)
            connected -> {
              if (!connected.isSuccess()) {
                result.trySuccess(
                    ProbeResult.failed(FailureReasons.of(connected.cause(), timeoutSeconds)));
                return;
              }
              ask(channel, target, result);
            });
    return result;
  }

  private void ask(Channel connection, InetSocketAddress target, Promise<ProbeResult> result) {
    new Http2StreamChannelBootstrap(connection)
        .handler(new Answer(result))
        .open()
        .addListener(
            opened -> {
              if (!opened.isSuccess()) {
                result.trySuccess(
                    ProbeResult.failed(FailureReasons.of(opened.cause(), timeoutSeconds)));
                return;
              }
              Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
              Http2Headers headers =
                  new DefaultHttp2Headers()
                      .method("POST")
                      .scheme(tls != null ? "https" : "http")
                      .path(PATH)
                      .authority(NetUtil.toSocketAddressString(target))
                      .set("content-type", "application/grpc")
                      .set("te", "trailers")
                      .set("grpc-timeout", timeoutSeconds + "S")
                      .set("user-agent", "elbow-health-check");
              stream.write(new DefaultHttp2HeadersFrame(headers, false));
              stream.writeAndFlush(
                  new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(request), true));
            });
  }

  /** Reads the answer: a status 200 head, one message, and trailers with grpc-status 0. */
  private final class Answer extends ChannelInboundHandlerAdapter {
    private final Promise<ProbeResult> result;
    private ByteBuf body;

    Answer(Promise<ProbeResult> result) {
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame frame) {
          Http2Headers headers = frame.headers();
          if (headers.status() != null && !"200".contentEquals(headers.status())) {
            result.trySuccess(ProbeResult.failed("HTTP " + headers.status()));
            return;
          }
          CharSequence grpcStatus = headers.get("grpc-status");
          if (grpcStatus != null) {
            decide(grpcStatus.toString(), headers.get("grpc-message"));
          } else if (frame.isEndStream()) {
            result.trySuccess(ProbeResult.failed("not a gRPC answer: no grpc-status"));
          }
        } else if (msg instanceof Http2DataFrame data) {
          if (body == null) {
            body = ctx.alloc().buffer();
          }
          body.writeBytes(data.content());
        } else if (msg instanceof Http2ResetFrame reset) {
          result.trySuccess(ProbeResult.failed("stream reset (" + reset.errorCode() + ")"));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void decide(String grpcStatus, CharSequence message) {
      if (!"0".equals(grpcStatus)) {
        result.trySuccess(
            ProbeResult.failed(
                "gRPC status "
                    + grpcStatus
                    + ("5".equals(grpcStatus) ? " (NOT_FOUND: no such service)" : "")
                    + ("12".equals(grpcStatus) ? " (UNIMPLEMENTED: no health service)" : "")
                    + (message == null ? "" : ": " + message)));
        return;
      }
      int status = body == null ? -1 : servingStatus(body);
      if (status == SERVING) {
        result.trySuccess(ProbeResult.passed());
      } else if (status < 0) {
        result.trySuccess(ProbeResult.failed("gRPC answer without a HealthCheckResponse"));
      } else {
        result.trySuccess(
            ProbeResult.failed(
                "serving status "
                    + (status < SERVING_STATUS.length ? SERVING_STATUS[status] : status)));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (body != null) {
        body.release();
        body = null;
      }
      result.trySuccess(ProbeResult.failed("connection closed before an answer"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.trySuccess(ProbeResult.failed(FailureReasons.of(cause, timeoutSeconds)));
      ctx.close();
    }
  }
}
