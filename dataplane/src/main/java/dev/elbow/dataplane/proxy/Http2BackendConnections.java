package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.health.FailureReasons;
import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.MemberTraffic;
import dev.elbow.dataplane.tls.BackendTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive connections to members for the HTTP/2 path, pooled per event loop (streams
 * run on their connection's loop, so a pool is only ever touched by its own thread). One exchange
 * at a time per connection; a connection goes back to the pool when its response said keep-alive.
 */
final class Http2BackendConnections {

  /** What an exchange reports, on the event loop. */
  interface Exchange {
    void answered(FullHttpResponse response);

    /**
     * @param kind {@link ErrorKind#RESPONSE_TIMEOUT} when the member was silent too long
     */
    void failed(String why, ErrorKind kind);
  }

  private static final int MAX_IDLE_PER_MEMBER = 256;

  /** TLS and plain connections to one address are different connections. */
  private record Key(InetSocketAddress address, BackendTlsContexts tls) {}

  private static final FastThreadLocal<Map<Key, ArrayDeque<Channel>>> IDLE =
      new FastThreadLocal<>() {
        @Override
        protected Map<Key, ArrayDeque<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  private Http2BackendConnections() {}

  /** Sends the request to the member on a pooled or new connection; takes the request. */
  static void send(
      ProxyContext proxy,
      EventLoop loop,
      GroupRuntime group,
      Member member,
      FullHttpRequest request,
      int responseSeconds,
      Exchange exchange) {
    Key key = new Key(member.socketAddress(), group.tls());
    long start = System.nanoTime();
    ArrayDeque<Channel> idle = IDLE.get().get(key);
    Channel pooled = null;
    while (idle != null && (pooled = idle.pollFirst()) != null && !pooled.isActive()) {
      pooled = null;
    }
    if (pooled != null) {
      start(pooled, key, request, responseSeconds, exchange);
      return;
    }
    new Bootstrap()
        .group(loop)
        .channel(proxy.connector().transport().socketChannelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel backend) {
                MemberTraffic traffic = member.traffic();
                backend
                    .pipeline()
                    .addLast(new ByteCounter(traffic.bytesReceived(), traffic.bytesSent()));
                if (group.tls() != null) {
                  backend
                      .pipeline()
                      .addLast(group.tls().newHandler(backend.alloc(), member.socketAddress()));
                }
                backend
                    .pipeline()
                    .addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(Http2Frontend.MAX_BODY),
                        new Answer(key));
              }
            })
        .connect(member.socketAddress())
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (connected.isSuccess()) {
                    group.connectDuration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    member.traffic().track(connected.channel());
                    start(connected.channel(), key, request, responseSeconds, exchange);
                  } else {
                    request.release();
                    String why = FailureReasons.ofTraffic(connected.cause());
                    group.failed(member, why);
                    exchange.failed(why, ErrorKind.ofConnectFailure(connected.cause()));
                  }
                });
  }

  private static void start(
      Channel backend, Key key, FullHttpRequest request, int responseSeconds, Exchange exchange) {
    Answer answer = backend.pipeline().get(Answer.class);
    answer.begin(exchange, responseSeconds);
    backend.writeAndFlush(request);
  }

  /** Hands the response to the exchange, and the connection back to the pool. */
  private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Key key;
    private Exchange exchange;
    private ScheduledFuture<?> timeout;
    private ChannelHandlerContext ctx;

    Answer(Key key) {
      this.key = key;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    void begin(Exchange next, int responseSeconds) {
      exchange = next;
      timeout =
          ctx.executor()
              .schedule(
                  () ->
                      end(
                          null,
                          "did not answer within " + responseSeconds + "s",
                          ErrorKind.RESPONSE_TIMEOUT),
                  responseSeconds,
                  TimeUnit.SECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      if (response.decoderResult().isFailure()) {
        // Not HTTP (the codec's placeholder status 999): a 502, as on the HTTP/1 path.
        end(null, "sent a malformed response", ErrorKind.BACKEND_RESET);
        ctx.close();
        return;
      }
      Exchange current = exchange;
      boolean reusable = HttpUtil.isKeepAlive(response);
      end(response.retain(), null, null); // handed on whole; its headers are edited in place
      if (current != null && reusable) {
        ArrayDeque<Channel> idle = IDLE.get().computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idle.size() < MAX_IDLE_PER_MEMBER) {
          idle.offerFirst(ctx.channel());
          return;
        }
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ArrayDeque<Channel> idle = IDLE.get().get(key);
      if (idle != null) {
        idle.remove(ctx.channel());
      }
      end(null, "closed the connection before answering", ErrorKind.BACKEND_RESET);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      end(null, String.valueOf(cause.getMessage()), ErrorKind.BACKEND_RESET);
      ctx.close();
    }

    private void end(FullHttpResponse response, String why, ErrorKind kind) {
      boolean timedOut = kind == ErrorKind.RESPONSE_TIMEOUT;
      if (timeout != null) {
        timeout.cancel(false);
        timeout = null;
      }
      Exchange current = exchange;
      exchange = null;
      if (current == null) {
        if (response != null) {
          response.release();
        }
        if (timedOut) {
          ctx.close();
        }
        return;
      }
      if (response != null) {
        current.answered(response);
      } else {
        if (timedOut) {
          ctx.close();
        }
        current.failed(why, kind);
      }
    }
  }
}
