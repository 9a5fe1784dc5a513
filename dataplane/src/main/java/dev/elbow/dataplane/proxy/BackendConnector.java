package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.health.FailureReasons;
import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.MemberTraffic;
import dev.elbow.dataplane.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Opens connections to members: on the event loop of the client connection they serve (so the two
 * never need to synchronize), with auto-read off (each side reads only when the other can take
 * more), and with one retry on another member when the first connect fails. Each connect that
 * succeeds is timed into its group's histogram, and the connection's bytes count for its member.
 */
public final class BackendConnector {

  /** How the outcome of a connect is reported, on the client connection's event loop. */
  public interface Callback {
    /** A connection to {@code member} is open; reads on it are off until someone asks. */
    void connected(Channel backend, Member member);

    /** Neither the first member nor the retry answered; {@code cause} is the last failure. */
    void failed(Member lastTried, Throwable cause);
  }

  private final Transport transport;
  private final int connectTimeoutMillis;

  public BackendConnector(Transport transport, int connectTimeoutMillis) {
    this.transport = transport;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /** The transport every backend socket is opened with. */
  public Transport transport() {
    return transport;
  }

  /**
   * Connects to {@code first}, or once to another member of {@code group} if that fails.
   *
   * @param handler makes the handler of each backend channel (a retry needs a fresh one)
   * @param halfClosure whether the channel passes half-closes on instead of closing (TCP proxying)
   * @param listener counts each failed attempt by its {@link ErrorKind}, retried or not
   */
  public void connect(
      EventLoop loop,
      GroupRuntime group,
      Member first,
      Supplier<ChannelHandler> handler,
      boolean halfClosure,
      ListenerMetrics listener,
      Callback callback) {
    attempt(loop, group, first, handler, halfClosure, listener, callback, true);
  }

  private void attempt(
      EventLoop loop,
      GroupRuntime group,
      Member member,
      Supplier<ChannelHandler> handler,
      boolean halfClosure,
      ListenerMetrics listener,
      Callback callback,
      boolean mayRetry) {
    long start = System.nanoTime();
    new Bootstrap()
        .group(loop)
        .channel(transport.socketChannelType())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
        .handler(countingBytes(member, handler.get()))
        .connect(member.socketAddress())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    group.connectDuration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    member.traffic().track(f.channel());
                    callback.connected(f.channel(), member);
                    return;
                  }
                  ErrorKind kind = ErrorKind.ofConnectFailure(f.cause());
                  listener.error(kind);
                  // Passive health: a refused or timed-out connect counts against the member.
                  group.failed(member, FailureReasons.ofTraffic(f.cause()));
                  Member other = mayRetry ? group.pickOtherThan(member) : null;
                  if (other == null) {
                    callback.failed(member, f.cause());
                  } else {
                    attempt(loop, group, other, handler, halfClosure, listener, callback, false);
                  }
                });
  }

  /** The channel's handler behind a {@link ByteCounter} that counts the member's bytes. */
  public static ChannelHandler countingBytes(Member member, ChannelHandler handler) {
    return new CountingBytes(member.traffic(), handler);
  }

  /**
   * Puts the counter and the handler in place once the channel is registered, and leaves. What
   * Netty's ChannelInitializer does, without the concurrent map each of those carries: one is made
   * per member connection, so per proxied TCP connection.
   */
  private static final class CountingBytes extends ChannelHandlerAdapter {
    private final MemberTraffic traffic;
    private final ChannelHandler handler;

    CountingBytes(MemberTraffic traffic, ChannelHandler handler) {
      this.traffic = traffic;
      this.handler = handler;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.pipeline().addAfter(ctx.name(), null, handler);
      ctx.pipeline()
          .addAfter(
              ctx.name(), null, new ByteCounter(traffic.bytesReceived(), traffic.bytesSent()));
      ctx.pipeline().remove(this);
    }
  }

  /** What a client's error log says when no member of {@code group} took the connection. */
  public static String noMemberAccepted(GroupRuntime group, Member lastTried, Throwable cause) {
    return "group "
        + group.name()
        + ": no member accepted a connection, the last ("
        + lastTried
        + "): "
        + cause;
  }
}
