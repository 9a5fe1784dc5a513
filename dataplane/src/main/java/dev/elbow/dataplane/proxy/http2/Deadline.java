package dev.elbow.dataplane.proxy.http2;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An idle timeout that activity pushes back, without a timer task per byte: activity only notes the
 * time, and the one scheduled check, when it fires early, schedules itself for what is left (the
 * way Netty's IdleStateHandler works). Touched only on its event loop.
 */
final class Deadline {

  private final EventExecutor loop;
  private final Runnable expired;
  private ScheduledFuture<?> check;
  private long timeoutNanos;
  private long lastActivity;

  /**
   * @param expired run on the loop once the time passes with no activity
   */
  Deadline(EventExecutor loop, Runnable expired) {
    this.loop = loop;
    this.expired = expired;
  }

  /** Starts (or restarts) the clock: {@code expired} runs after this long without activity. */
  void start(int seconds) {
    stop();
    timeoutNanos = TimeUnit.SECONDS.toNanos(seconds);
    lastActivity = System.nanoTime();
    check = loop.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** Something happened: the clock starts over. Cheap; meant to be called per read. */
  void activity() {
    lastActivity = System.nanoTime();
  }

  void stop() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  boolean running() {
    return check != null;
  }

  private void check() {
    if (check == null) {
      return;
    }
    long left = timeoutNanos - (System.nanoTime() - lastActivity);
    if (left > 0) {
      check = loop.schedule(this::check, left, TimeUnit.NANOSECONDS);
      return;
    }
    check = null;
    expired.run();
  }
}
