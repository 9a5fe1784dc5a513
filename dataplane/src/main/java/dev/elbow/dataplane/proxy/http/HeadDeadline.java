package dev.elbow.dataplane.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of a client connection that are the client's to meet. Idle: the first byte of the
 * next request must come within the keep-alive timeout of the end of the previous exchange, or the
 * connection is closed quietly. Request: once a request has begun (or from the accept, for the
 * first one), its whole head must arrive within the request timeout, or the client gets a 408. The
 * clock is not reset by bytes that trickle in, so a client sending a head one byte at a time
 * (slowloris) cannot hold the connection open for ever. Body: while a request body is forwarded and
 * the proxy waits for the client, the client must send something within the request timeout of its
 * last bytes (NGINX's {@code client_body_timeout}); an upload that keeps moving may take as long as
 * it takes, and time spent waiting for the member to take the body does not count.
 *
 * <p>One timer per connection re-arms itself; starting and ending exchanges only write fields, so
 * requests schedule nothing. The timer is cancelled when the connection closes: a pending task
 * would otherwise hold the whole connection in memory for the rest of the timeout.
 */
final class HeadDeadline {

  private static final int IDLE = 0;
  private static final int RECEIVING = 1;
  private static final int EXCHANGE = 2;
  private static final int BODY = 3;

  private final long idleNanos;
  private final long requestNanos;
  private final Runnable onRequestTimeout;
  private final Runnable onBodyTimeout;
  private ChannelHandlerContext ctx;
  private int phase = RECEIVING;
  private long since;
  private Future<?> timer;

  /**
   * @param idleSeconds the keep-alive timeout
   * @param requestSeconds the request timeout
   * @param onRequestTimeout answers 408; runs on the connection's event loop
   * @param onBodyTimeout answers 408 for a body that stopped; runs on the connection's event loop
   */
  HeadDeadline(
      int idleSeconds, int requestSeconds, Runnable onRequestTimeout, Runnable onBodyTimeout) {
    this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
    this.requestNanos = TimeUnit.SECONDS.toNanos(requestSeconds);
    this.onRequestTimeout = onRequestTimeout;
    this.onBodyTimeout = onBodyTimeout;
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
    } else if (phase == BODY) {
      since = System.nanoTime();
    }
  }

  /** The proxy waits for the client's request body (again): its idle clock runs from now. */
  void bodyStarted() {
    phase = BODY;
    since = System.nanoTime();
  }

  /** The proxy waits for the member to take the body, not for the client: no clock runs. */
  void bodyPaused() {
    phase = EXCHANGE;
  }

  /** The whole body is forwarded. */
  void bodyDone() {
    phase = EXCHANGE;
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

  /**
   * How often the timer looks in during an exchange, when nothing is due: often enough that a phase
   * begun meanwhile is timed within one period of its due time. (A keep-alive timeout of 0 closes
   * after each response and must not make this 0.)
   */
  private long exchangePeriod() {
    return (idleNanos > 0 ? Math.min(idleNanos, requestNanos) : requestNanos) + 1;
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
      schedule(exchangePeriod()); // the exchange's own timeouts apply
      return;
    }
    long limit = phase == IDLE ? idleNanos : requestNanos;
    long left = limit - (System.nanoTime() - since);
    if (left > 0) {
      schedule(left);
    } else if (phase == IDLE) {
      ctx.close();
    } else if (phase == BODY) {
      phase = EXCHANGE;
      schedule(exchangePeriod());
      onBodyTimeout.run();
    } else {
      onRequestTimeout.run();
    }
  }
}
