package dev.elbow.dataplane.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Closes a client connection whose next request head has not fully arrived within the keep-alive
 * timeout, counted from the end of the previous exchange (or from the accept). The clock is not
 * reset by bytes that trickle in, so a client sending a head one byte at a time cannot hold the
 * connection open for ever.
 *
 * <p>One timer per connection re-arms itself; starting and ending exchanges only write a field, so
 * requests schedule nothing. The timer is cancelled when the connection closes: a pending task
 * would otherwise hold the whole connection in memory for the rest of the timeout.
 */
final class HeadDeadline {

  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private long waitingSince = -1;
  private Future<?> timer;

  HeadDeadline(int timeoutSeconds) {
    this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
  }

  /** Starts the timer for a new connection, which now waits for its first request. */
  void start(ChannelHandlerContext context) {
    this.ctx = context;
    waitingSince = System.nanoTime();
    schedule(timeoutNanos);
  }

  /** A complete request head arrived. */
  void headArrived() {
    waitingSince = -1;
  }

  /** The exchange ended; the next head is due within the timeout. */
  void waitForNextHead() {
    waitingSince = System.nanoTime();
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
    if (waitingSince < 0) {
      schedule(timeoutNanos); // an exchange is running; its own timeouts apply
      return;
    }
    long left = timeoutNanos - (System.nanoTime() - waitingSince);
    if (left <= 0) {
      ctx.close();
    } else {
      schedule(left);
    }
  }
}
