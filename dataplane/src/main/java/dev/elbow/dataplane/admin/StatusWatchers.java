package dev.elbow.dataplane.admin;

import dev.elbow.dataplane.DataPlane;
import dev.elbow.snapshot.DataPlaneStatus;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Long-polling status requests: each waits until the data plane's revision passes the one the
 * caller has seen, or until its wait ends. This lets the operator learn of a health change at once
 * without polling in a tight loop. Everything here runs on the admin event loop.
 */
final class StatusWatchers {

  private final DataPlane dataPlane;
  private final EventLoop loop;
  private final List<Watcher> waiting = new ArrayList<>();

  private record Watcher(long after, Consumer<DataPlaneStatus> reply, ScheduledFuture<?> timeout) {}

  StatusWatchers(DataPlane dataPlane, EventLoop loop) {
    this.dataPlane = dataPlane;
    this.loop = loop;
  }

  /**
   * Replies at once if the revision already passed {@code after}, else when it does or when {@code
   * waitSeconds} have gone by, whichever is first.
   *
   * @param instance the data plane instance {@code after} belongs to, or null; a revision of
   *     another instance (one from before a restart) says nothing about this one, so the reply is
   *     immediate
   */
  void watch(String instance, long after, int waitSeconds, Consumer<DataPlaneStatus> reply) {
    loop.execute(
        () -> {
          if (dataPlane.revision() > after
              || (instance != null && !instance.equals(dataPlane.instance()))) {
            reply.accept(dataPlane.status());
            return;
          }
          Watcher[] self = new Watcher[1];
          ScheduledFuture<?> timeout =
              loop.schedule(
                  () -> {
                    waiting.remove(self[0]);
                    reply.accept(dataPlane.status());
                  },
                  waitSeconds,
                  TimeUnit.SECONDS);
          self[0] = new Watcher(after, reply, timeout);
          waiting.add(self[0]);
        });
  }

  /** Called from any thread when the status changed. */
  void wakeUp() {
    loop.execute(
        () -> {
          if (waiting.isEmpty()) {
            return;
          }
          long revision = dataPlane.revision();
          DataPlaneStatus status = null;
          for (var it = waiting.iterator(); it.hasNext(); ) {
            Watcher watcher = it.next();
            if (revision > watcher.after()) {
              it.remove();
              watcher.timeout().cancel(false);
              if (status == null) {
                status = dataPlane.status(); // built once for all who wait
              }
              watcher.reply().accept(status);
            }
          }
        });
  }
}
