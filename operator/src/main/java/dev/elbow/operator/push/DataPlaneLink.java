package dev.elbow.operator.push;

import dev.elbow.snapshot.DataPlaneStatus;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's connection to one data plane: pushes the desired snapshot until the data plane has
 * it, and keeps a long-poll on its status open, so health changes arrive at once and a data plane
 * that restarted (it reports another instance) gets the snapshot again.
 *
 * <p>Only a 200 to a push from this operator run counts as the data plane having a version: a
 * version reported by status may come from another run, with other content.
 */
public final class DataPlaneLink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneLink.class);
  private static final int WATCH_SECONDS = 25;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  // A status long-poll costs the data plane nothing while it is down, and the first one to answer
  // after a restart is what triggers the push again: retry it at least every second.
  private static final long MAX_WATCH_BACKOFF_MILLIS = 1_000;

  /** What a link reports, from its own threads. */
  public interface Events {
    /** Anything about this link changed: a push applied or failed, a status arrived. */
    void changed(DataPlaneLink link);

    /**
     * The data plane serves {@code version}, not older than what the operator pushes: the operator
     * must number its snapshots above it.
     */
    void outnumbered(DataPlaneLink link, long version);

    /**
     * A push took {@code nanos} and ended {@code outcome}: applied, refused, outnumbered or failed.
     */
    default void pushed(DataPlaneLink link, long nanos, String outcome) {}
  }

  private final URI uri;
  private final DataPlaneClient client;
  private final ScheduledExecutorService timers;
  private final Events events;
  private final long createdNanos = System.nanoTime();

  // Guarded by this.
  private DesiredSnapshot desired;
  private long acked = -1;
  private long rejectedVersion = -1;
  private List<String> rejection = List.of();
  private boolean pushing;
  private int pushFailures;
  private int watchFailures;
  private String instance;
  private String pushError;
  private String watchError;
  private boolean closed;
  private volatile DataPlaneStatus lastStatus;

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

  /** The newest version of this run the data plane accepted; -1 before any. */
  public synchronized long ackedVersion() {
    return acked;
  }

  /** The errors with which the data plane refused {@code version}, or an empty list. */
  public synchronized List<String> rejection(long version) {
    return version == rejectedVersion ? rejection : List.of();
  }

  /** Why the data plane cannot be reached, or null while it can. */
  public synchronized String error() {
    return pushError != null ? pushError : watchError;
  }

  /**
   * Whether the link has had its chance: it answered, failed, or has existed long enough that a
   * data plane still silent should count as behind.
   */
  public synchronized boolean settled(long graceNanos) {
    return acked >= 0
        || rejectedVersion >= 0
        || error() != null
        || System.nanoTime() - createdNanos > graceNanos;
  }

  /** The last status report, or null. */
  public DataPlaneStatus lastStatus() {
    return lastStatus;
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
    long started = System.nanoTime();
    client
        .push(uri, sending.json())
        .whenComplete(
            (result, error) -> {
              events.pushed(this, System.nanoTime() - started, outcome(sending, result, error));
              pushed(sending, result, error);
            });
  }

  private static String outcome(
      DesiredSnapshot sent, DataPlaneClient.PushResult result, Throwable error) {
    int status = error == null ? result.httpStatus() : -1;
    if (status == 200 && result.result().appliedVersion() == sent.version()) {
      return "applied";
    }
    return status == 409 ? "outnumbered" : status == 422 ? "refused" : "failed";
  }

  private void pushed(DesiredSnapshot sent, DataPlaneClient.PushResult result, Throwable error) {
    long retryIn = 0;
    long outnumberedBy = -1;
    synchronized (this) {
      pushing = false;
      if (closed) {
        return;
      }
      int status = error == null ? result.httpStatus() : -1;
      if (status == 200 && result.result().appliedVersion() == sent.version()) {
        acked = Math.max(acked, sent.version());
        pushFailures = 0;
        pushError = null;
      } else if (status == 409 && result.result().appliedVersion() >= 0) {
        outnumberedBy = result.result().appliedVersion();
        pushError = null;
      } else if (status == 422) {
        rejectedVersion = sent.version();
        rejection = result.result().errors();
        pushError = null;
        log.warn("data plane {} refused snapshot {}: {}", uri, sent.version(), rejection);
      } else {
        pushError =
            error != null ? describe(error) : "HTTP " + status + ": " + result.result().errors();
        retryIn = Math.min(MAX_BACKOFF_MILLIS, 250L << Math.min(pushFailures++, 6));
        log.warn(
            "push of snapshot {} to {} failed, retrying in {} ms: {}",
            sent.version(),
            uri,
            retryIn,
            pushError);
      }
    }
    events.changed(this);
    if (outnumberedBy >= 0) {
      events.outnumbered(this, outnumberedBy);
    }
    if (retryIn > 0) {
      timers.schedule(this::pushIfNeeded, retryIn, TimeUnit.MILLISECONDS);
    } else {
      pushIfNeeded();
    }
  }

  private void watch(String seenInstance, long after) {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    client
        .status(uri, seenInstance, after, WATCH_SECONDS)
        .whenComplete(
            (status, error) -> {
              if (error != null) {
                watchFailed(error);
                return;
              }
              log.debug(
                  "status of {}: instance {}, version {}, revision {}",
                  uri,
                  status.instance(),
                  status.appliedVersion(),
                  status.revision());
              long outnumberedBy = -1;
              synchronized (this) {
                watchFailures = 0;
                watchError = null;
                if (instance != null && !Objects.equals(instance, status.instance())) {
                  // The data plane restarted and lost its snapshot: push again.
                  log.info("data plane {} restarted; pushing again", uri);
                  acked = -1;
                  rejectedVersion = -1;
                }
                instance = status.instance();
                // Equal is most likely this run's own push, answered before its 200 arrived.
                if (acked < 0 && desired != null && status.appliedVersion() > desired.version()) {
                  outnumberedBy = status.appliedVersion();
                }
              }
              lastStatus = status;
              events.changed(this);
              if (outnumberedBy >= 0) {
                events.outnumbered(this, outnumberedBy);
              }
              pushIfNeeded();
              watch(status.instance(), status.revision());
            });
  }

  private void watchFailed(Throwable error) {
    long retryIn;
    synchronized (this) {
      retryIn = Math.min(MAX_WATCH_BACKOFF_MILLIS, 250L << Math.min(watchFailures++, 6));
      watchError = describe(error);
    }
    log.debug("status of {} unavailable, retrying in {} ms: {}", uri, retryIn, watchError);
    events.changed(this);
    timers.schedule(() -> watch(null, -1), retryIn, TimeUnit.MILLISECONDS);
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    if (cause instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (cause instanceof java.net.http.HttpTimeoutException) {
      return "no answer in time";
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
