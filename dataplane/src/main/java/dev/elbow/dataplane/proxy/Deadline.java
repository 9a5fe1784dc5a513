package dev.elbow.dataplane.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An idle timeout that activity pushes back, without a timer task per byte: activity only notes the
 * time, and the one scheduled check, when it fires early, schedules itself for what is left (the
 * way Netty's IdleStateHandler works). Touched only on its event loop.
 */
public final class Deadline {

  private final EventExecutor loop;
  private final Runnable expired;
  private ScheduledFuture<?> check;
  private long timeoutNanos;
  private long lastActivity;

  /**
   * @param expired run on the loop once the time passes with no activity
   */
  public Deadline(EventExecutor loop, Runnable expired) {
    this.loop = loop;
    this.expired = expired;
  }

  /** Starts (or restarts) the clock: {@code expired} runs after this long without activity. */
  public void start(int seconds) {
    stop();
    timeoutNanos = TimeUnit.SECONDS.toNanos(seconds);
    lastActivity = System.nanoTime();
    check = loop.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** Something happened: the clock starts over. Cheap; meant to be called per read. */
  public void activity() {
    lastActivity = System.nanoTime();
  }

  public void stop() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  public boolean running() {
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
