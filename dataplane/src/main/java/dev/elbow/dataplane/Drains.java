package dev.elbow.dataplane;

import io.netty.channel.group.ChannelGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waiting for a draining data plane's connections to end, off every event loop. */
final class Drains {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private Drains() {}

  /**
   * Waits until every connection in {@code open} has closed (they leave the group as they do) or
   * the deadline passes.
   *
   * @return how many were still open at the deadline
   */
  static int await(ChannelGroup open, Duration deadline) {
    long until = System.nanoTime() + deadline.toNanos();
    while (!open.isEmpty() && System.nanoTime() < until) {
      // The shutdown thread, not an event loop: polling a group is the simplest wait here.
      LockSupport.parkNanos(POLL_NANOS);
    }
    return open.size();
  }
}
