package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.health.FailureReasons;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The only handler of a connection to a member. While a client request uses the connection, it
 * parses the response head in place ({@link Http1HeadParser}), finds where the body ends ({@link
 * BodyFramer}) and hands head and body, as slices of the bytes read, to the request's {@link
 * HttpProxyFrontend}. While the connection waits in the {@link BackendPool} it only watches for the
 * member closing it.
 *
 * <p>Anything that is not a well-formed HTTP/1.1 response fails the exchange, and a connection that
 * misbehaved, or that carries bytes past the end of a response, is never reused.
 *
 * <p>One timer per connection, re-armed rather than rescheduled per read, closes a pooled
 * connection idle for {@link #poolIdleNanos} and fails an exchange whose member sent nothing for
 * {@link #responseTimeoutNanos} once the whole request was sent (as HAProxy's {@code timeout
 * server}), or took none of the request body for that long. While the client is still uploading and
 * the member takes what comes, no clock runs here: the client's own body timeout applies.
 */
final class HttpBackendHandler extends ChannelInboundHandlerAdapter {

  private static final int HEAD = 0;
  private static final int BODY = 1;

  private final Object poolTls;
  private InetSocketAddress connectedTo;
  private long responseTimeoutNanos;
  private final long poolIdleNanos;
  private final Http1Head response = new Http1Head();
  private final BodyFramer body = new BodyFramer();
  private ChannelHandlerContext ctx;
  private ByteBuf in;
  private int state;
  private boolean noBody;
  private boolean reusable;
  private MemberExchange exchange;
  private int exchanges;
  // The request body is still on its way from the client.
  private boolean uploading;
  // The member is not taking the request body (its connection is not writable).
  private boolean stalled;
  // The member sent bytes for the current exchange: a failure now is not one before any byte.
  private boolean answered;
  private long lastActivity = System.nanoTime();
  private ScheduledFuture<?> timer;
  private boolean webSocket;

  /**
   * @param poolTls the TLS contexts the connection is opened with (null for plain TCP): the part of
   *     its pool key that says which groups may reuse it
   */
  HttpBackendHandler(Object poolTls, int poolIdleSeconds) {
    this.poolTls = poolTls;
    this.poolIdleNanos = TimeUnit.SECONDS.toNanos(poolIdleSeconds);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // The member actually reached: after a failed connect, the retry's, not the first pick's.
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress address) {
      connectedTo = address;
    }
    ctx.fireChannelActive();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    scheduleCheck(poolIdleNanos);
  }

  /**
   * Takes the connection for one exchange.
   *
   * @param headRequest the request is a HEAD, so the response has no body whatever it says
   * @param webSocket the request asks for a WebSocket, so a 101 hands the connection over
   * @param responseTimeoutSeconds the listener's response timeout
   */
  void attach(
      MemberExchange frontend, boolean headRequest, boolean webSocket, int responseTimeoutSeconds) {
    this.exchange = frontend;
    this.webSocket = webSocket;
    this.exchanges++;
    this.noBody = headRequest;
    this.state = HEAD;
    this.uploading = true;
    this.stalled = false;
    this.answered = false;
    this.lastActivity = System.nanoTime();
    this.responseTimeoutNanos = TimeUnit.SECONDS.toNanos(responseTimeoutSeconds);
    if (timer != null && timer.getDelay(TimeUnit.NANOSECONDS) > responseTimeoutNanos) {
      // The pending check was timed for the longer pool idle limit; this exchange needs it sooner.
      timer.cancel(false);
      scheduleCheck(responseTimeoutNanos);
    }
  }

  /** The whole request was sent: the response timeout runs from now. */
  void requestSent() {
    uploading = false;
    stalled = false;
    lastActivity = System.nanoTime();
  }

  /**
   * The member stopped taking the request body (true), or takes it again (false): while it does
   * not, the response timeout runs.
   */
  void stalledOnMember(boolean value) {
    stalled = value;
    lastActivity = System.nanoTime();
  }

  /**
   * Whether this connection carried an exchange before the current one: a reused connection that
   * fails says little about its member (it may just have closed an idle connection), a new one
   * does.
   */
  boolean reused() {
    return exchanges > 1;
  }

  Object poolTls() {
    return poolTls;
  }

  void detach() {
    this.exchange = null;
    this.lastActivity = System.nanoTime();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf data = (ByteBuf) msg;
    lastActivity = System.nanoTime();
    if (exchange == null) {
      // A member must not speak while no request is outstanding; such a connection is unusable.
      data.release();
      ctx.close();
      return;
    }
    answered = true;
    in = Cumulation.append(ctx.alloc(), in, data);
    process();
  }

  private void process() {
    while (exchange != null && in != null && in.isReadable()) {
      if (state == HEAD) {
        int end = Http1HeadParser.parse(in, false, response);
        if (end == Http1HeadParser.NEED_MORE) {
          return;
        }
        if (end < 0) {
          fail("sent a malformed response");
          return;
        }
        if (!head()) {
          return;
        }
        in.readerIndex(end);
      } else {
        int n = body.scan(in);
        if (n < 0) {
          fail("sent a malformed chunked body");
          return;
        }
        if (n > 0) {
          exchange.onResponseBody(in.readRetainedSlice(n));
        }
        if (body.done()) {
          complete();
          return;
        }
      }
    }
    in = Cumulation.releaseIfEmpty(in);
  }

  /** A response head arrived; false if the exchange ended with it. */
  private boolean head() {
    int status = response.status;
    if (status < 200) {
      if (status == 101) {
        if (!webSocket) {
          fail("switched protocols unasked"); // the request's Upgrade header was removed
          return false;
        }
        // The connection is the WebSocket's from here: this handler steps aside and the frontend
        // takes the head and whatever the member sent after it.
        MemberExchange current = exchange;
        exchange = null;
        if (timer != null) {
          timer.cancel(false);
          timer = null;
        }
        ByteBuf bytes = in;
        in = null;
        ctx.pipeline().remove(this);
        current.onSwitchingProtocols(ctx.channel(), bytes, response);
        return false;
      }
      exchange.onInterimResponse(in, response); // 100 Continue and the like; the answer follows
      return true;
    }
    body.response(response, noBody);
    reusable = response.keepAlive() && !body.isUntilClose();
    exchange.onResponseHead(in, response, body.isUntilClose());
    state = BODY;
    if (body.done()) {
      in.readerIndex(response.end);
      complete();
      return false;
    }
    return true;
  }

  private void complete() {
    if (in != null && in.isReadable()) {
      reusable = false; // bytes past the response: this connection cannot be trusted again
    }
    in = Cumulation.releaseIfEmpty(in);
    MemberExchange current = exchange;
    current.onResponseComplete(reusable);
  }

  private void fail(String why) {
    MemberExchange current = exchange;
    exchange = null;
    in = Cumulation.release(in);
    ctx.close();
    if (current != null) {
      current.onBackendFailed(ctx.channel(), why, answered);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onBackendReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.onBackendWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false); // a pending check would keep this closed connection in memory
      timer = null;
    }
    if (exchange != null && state == BODY && body.isUntilClose()) {
      reusable = false;
      complete(); // the member's close ends this body
    } else if (exchange != null) {
      fail("closed the connection");
    } else {
      BackendPool.current().remove(poolTls, connectedTo, ctx.channel());
    }
    in = Cumulation.release(in);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (exchange != null) {
      fail(FailureReasons.ofTraffic(cause));
    } else {
      ctx.close();
    }
  }

  private void scheduleCheck(long delayNanos) {
    timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (!ctx.channel().isOpen()) {
      return;
    }
    long idle = System.nanoTime() - lastActivity;
    long limit = exchange != null ? responseTimeoutNanos : poolIdleNanos;
    if (exchange != null && uploading && !stalled) {
      scheduleCheck(limit); // the client is uploading and the member keeps up: nothing is due
      return;
    }
    if (idle < limit) {
      scheduleCheck(limit - idle);
      return;
    }
    MemberExchange current = exchange;
    exchange = null;
    ctx.close();
    if (current != null) {
      current.onBackendTimeout(ctx.channel());
    }
  }
}
