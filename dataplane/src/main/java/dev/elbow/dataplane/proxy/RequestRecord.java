package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.RouteTarget;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * What one HTTP request adds to its listener's metrics (status class, errors, the duration
 * histogram of its listener and group) and, when it is on, to the access log. The strings of an
 * access log line are only filled in when there is an access log. Touched only on the event loop of
 * the request's connection.
 */
public abstract class RequestRecord {

  protected final ListenerMetrics listener;
  protected final AccessLog accessLog;
  protected String client;
  protected String method;
  protected String host;
  protected String path;
  protected String protocol;
  protected long start;
  protected long bytesIn;
  protected long bytesOut;
  private Timer timer;
  private Member member;
  private ErrorKind error;

  /**
   * @param accessLog null when the access log is off
   */
  protected RequestRecord(ListenerMetrics listener, AccessLog accessLog) {
    this.listener = listener;
    this.accessLog = accessLog;
  }

  /** Where the request goes: its listener and group's duration histogram. */
  public void route(RouteTarget target) {
    timer = target.requestDuration();
  }

  public void member(Member value) {
    member = value;
  }

  /** Counts the error and notes it for the access log. */
  public void error(ErrorKind kind) {
    listener.error(kind);
    noteError(kind);
  }

  /** Notes an error for the access log that is counted elsewhere (a failed connect). */
  public void noteError(ErrorKind kind) {
    error = kind;
  }

  /**
   * The request is over: counts {@code status} (0 when no response went out), times it from {@link
   * #start} unless that is 0, and writes its access log line.
   */
  protected void finish(int status) {
    long nanos = start == 0 ? 0 : System.nanoTime() - start;
    if (status != 0) {
      listener.response(status);
    }
    if (timer != null && start != 0) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
    if (accessLog != null) {
      accessLog.log(
          listener.name(),
          client,
          method,
          host,
          path,
          protocol,
          status,
          bytesIn,
          bytesOut,
          member == null ? null : member.toString(),
          nanos,
          error);
    }
    timer = null;
    member = null;
    error = null;
  }
}
