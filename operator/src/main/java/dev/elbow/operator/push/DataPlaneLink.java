package dev.elbow.operator.push;

import dev.elbow.snapshot.DataPlaneStatus;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's connection to one data plane: pushes the desired snapshot until the data plane has
 * it, and keeps a long-poll on its status open, so health changes arrive at once and a data plane
 * that restarted (and so reports an older version) gets the snapshot again.
 */
public final class DataPlaneLink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneLink.class);
  private static final int WATCH_SECONDS = 25;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  /** What a link reports, from its own threads. */
  public interface Events {
    /** The data plane serves {@code version}. */
    void applied(DataPlaneLink link, long version);

    /** The data plane already serves {@code appliedVersion}, which is not older than the push. */
    void stale(DataPlaneLink link, long appliedVersion);

    /** The data plane refused {@code version}, for these reasons. */
    void rejected(DataPlaneLink link, long version, List<String> errors);

    /** A new status report arrived. */
    void status(DataPlaneLink link, DataPlaneStatus status);
  }

  private final URI uri;
  private final DataPlaneClient client;
  private final ScheduledExecutorService timers;
  private final Events events;

  // Guarded by this.
  private DesiredSnapshot desired;
  private long acked = -1;
  private long rejectedVersion = -1;
  private boolean pushing;
  private int pushFailures;
  private int watchFailures;
  private boolean closed;
  private volatile DataPlaneStatus lastStatus;
  private volatile String lastError;

  public DataPlaneLink(
      URI uri, DataPlaneClient client, ScheduledExecutorService timers, Events events) {
    this.uri = uri;
    this.client = client;
    this.timers = timers;
    this.events = events;
  }

  public URI uri() {
    return uri;
  }

  /** Starts the status watch; pushes start with the first {@link #offer}. */
  public void start() {
    watch(null, -1);
  }

  /** The snapshot this data plane should serve from now on. */
  public synchronized void offer(DesiredSnapshot snapshot) {
    desired = snapshot;
    pushIfNeeded();
  }

  /** The version the data plane is known to serve; -1 before it answered. */
  public synchronized long ackedVersion() {
    return acked;
  }

  /** The last status report, or null. */
  public DataPlaneStatus lastStatus() {
    return lastStatus;
  }

  /** Why the last push or watch failed, or null while all is well. */
  public String lastError() {
    return lastError;
  }

  private synchronized void pushIfNeeded() {
    if (closed || pushing || desired == null) {
      return;
    }
    if (desired.version() <= acked || desired.version() == rejectedVersion) {
      return;
    }
    pushing = true;
    DesiredSnapshot sending = desired;
    log.debug("pushing snapshot {} to {}", sending.version(), uri);
    client
        .push(uri, sending.json())
        .whenComplete((result, error) -> pushed(sending, result, error));
  }

  private void pushed(DesiredSnapshot sent, DataPlaneClient.PushResult result, Throwable error) {
    long retryIn = 0;
    synchronized (this) {
      pushing = false;
      if (closed) {
        return;
      }
      if (error != null
          || (result.httpStatus() != 200
              && result.httpStatus() != 409
              && result.httpStatus() != 422)) {
        lastError =
            error != null
                ? String.valueOf(error.getCause() != null ? error.getCause() : error)
                : "HTTP " + result.httpStatus() + ": " + result.result().errors();
        retryIn = Math.min(MAX_BACKOFF_MILLIS, 250L << Math.min(pushFailures++, 6));
        log.warn(
            "push of snapshot {} to {} failed, retrying in {} ms: {}",
            sent.version(),
            uri,
            retryIn,
            lastError);
      } else {
        pushFailures = 0;
        lastError = null;
      }
    }
    if (retryIn > 0) {
      timers.schedule(this::pushIfNeeded, retryIn, TimeUnit.MILLISECONDS);
      return;
    }
    switch (result.httpStatus()) {
      case 200 -> {
        synchronized (this) {
          acked = Math.max(acked, result.result().appliedVersion());
        }
        events.applied(this, result.result().appliedVersion());
      }
      case 409 -> {
        synchronized (this) {
          acked = result.result().appliedVersion();
        }
        events.stale(this, result.result().appliedVersion());
      }
      default -> {
        synchronized (this) {
          rejectedVersion = sent.version();
        }
        log.warn(
            "data plane {} refused snapshot {}: {}", uri, sent.version(), result.result().errors());
        events.rejected(this, sent.version(), result.result().errors());
      }
    }
    pushIfNeeded();
  }

  private void watch(String instance, long after) {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    client
        .status(uri, instance, after, WATCH_SECONDS)
        .whenComplete(
            (status, error) -> {
              if (error != null) {
                long retryIn;
                synchronized (this) {
                  retryIn = Math.min(MAX_BACKOFF_MILLIS, 250L << Math.min(watchFailures++, 6));
                }
                lastError = String.valueOf(error.getCause() != null ? error.getCause() : error);
                log.debug(
                    "status of {} unavailable, retrying in {} ms: {}", uri, retryIn, lastError);
                timers.schedule(() -> watch(null, -1), retryIn, TimeUnit.MILLISECONDS);
                return;
              }
              log.debug(
                  "status of {}: instance {}, version {}, revision {}",
                  uri,
                  status.instance(),
                  status.appliedVersion(),
                  status.revision());
              synchronized (this) {
                watchFailures = 0;
                if (status.appliedVersion() < acked) {
                  // The data plane restarted and lost its snapshot: push again.
                  log.info(
                      "data plane {} serves version {}, older than {}; pushing again",
                      uri,
                      status.appliedVersion(),
                      acked);
                  acked = status.appliedVersion();
                  rejectedVersion = -1;
                } else if (acked < 0) {
                  acked = status.appliedVersion();
                }
              }
              lastStatus = status;
              events.status(this, status);
              pushIfNeeded();
              watch(status.instance(), status.revision());
            });
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
