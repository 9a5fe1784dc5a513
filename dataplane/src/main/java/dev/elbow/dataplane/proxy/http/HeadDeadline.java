package dev.elbow.dataplane.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The two deadlines of a client connection between exchanges. Idle: the first byte of the next
 * request must come within the keep-alive timeout of the end of the previous exchange, or the
 * connection is closed quietly. Request: once a request has begun (or from the accept, for the
 * first one), its whole head must arrive within the request timeout, or the client gets a 408. The
 * clock is not reset by bytes that trickle in, so a client sending a head one byte at a time
 * (slowloris) cannot hold the connection open for ever.
 *
 * <p>One timer per connection re-arms itself; starting and ending exchanges only write fields, so
 * requests schedule nothing. The timer is cancelled when the connection closes: a pending task
 * would otherwise hold the whole connection in memory for the rest of the timeout.
 */
final class HeadDeadline {

  private static final int IDLE = 0;
  private static final int RECEIVING = 1;
  private static final int EXCHANGE = 2;

  private final long idleNanos;
  private final long requestNanos;
  private final Runnable onRequestTimeout;
  private ChannelHandlerContext ctx;
  private int phase = RECEIVING;
  private long since;
  private Future<?> timer;

  /**
   * @param idleSeconds the keep-alive timeout
   * @param requestSeconds the request timeout
   * @param onRequestTimeout answers 408; runs on the connection's event loop
   */
  HeadDeadline(int idleSeconds, int requestSeconds, Runnable onRequestTimeout) {
    this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
    this.requestNanos = TimeUnit.SECONDS.toNanos(requestSeconds);
    this.onRequestTimeout = onRequestTimeout;
  }

  /** Starts the timer for a new connection, which now waits for its first request. */
  void start(ChannelHandlerContext context) {
    this.ctx = context;
    phase = RECEIVING;
    since = System.nanoTime();
    schedule(requestNanos);
  }

  /** Bytes of a request arrived; after an idle wait the request clock starts now. */
  void bytesArrived() {
    if (phase == IDLE) {
      phase = RECEIVING;
      since = System.nanoTime();
    }
  }

  /** A complete request head arrived. */
  void headArrived() {
    phase = EXCHANGE;
  }

  /** The exchange ended; the next request is due within the keep-alive timeout. */
  void waitForNextHead() {
    phase = IDLE;
    since = System.nanoTime();
  }

  /** The connection closed; nothing is left to time. */
  void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void schedule(long delayNanos) {
    timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (!ctx.channel().isOpen()) {
      return;
    }
    if (phase == EXCHANGE) {
      schedule(Math.min(idleNanos, requestNanos) + 1); // the exchange's own timeouts apply
      return;
    }
    long limit = phase == IDLE ? idleNanos : requestNanos;
    long left = limit - (System.nanoTime() - since);
    if (left > 0) {
      schedule(left);
    } else if (phase == IDLE) {
      ctx.close();
    } else {
      onRequestTimeout.run();
    }
  }
}
