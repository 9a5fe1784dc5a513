package dev.elbow.dataplane.proxy;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most client connections the data plane holds open at once, over every TCP, HTTP and HTTPS
 * listener. Past it, a new connection is closed as soon as it is accepted and counted, and the
 * connections already open go on undisturbed. Running out of file descriptors instead would make
 * accepts fail for every listener and connects to members fail for connections already open.
 *
 * <p>One counter for the whole process, as file descriptors are; it is touched once when a
 * connection opens and once when it closes, never per request.
 */
public final class ConnectionLimit {

  /** No limit: for tests and embedders that count connections elsewhere. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("a connection limit is at least 1, not " + max);
    }
    this.max = max;
  }

  /**
   * The limit to use for a configured value: that value when positive; for 0, one derived from the
   * file descriptor limit, as HAProxy derives its default maxconn. A proxied connection holds two
   * descriptors (the client's and the member's), and a reserve stays for listener sockets, UDP
   * flows, health checks, the admin API and the JVM's own files.
   */
  public static int resolve(int configured) {
    if (configured > 0) {
      return configured;
    }
    long descriptors = maxFileDescriptors();
    if (descriptors <= 0) {
      return UNLIMITED; // not known here (not a Unix JVM)
    }
    long reserve = Math.min(1024, descriptors / 4);
    return (int) Math.max(64, Math.min(UNLIMITED, (descriptors - reserve) / 2));
  }

  private static long maxFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }

  /**
   * Counts a new connection if the limit allows it.
   *
   * @return false when the limit is reached: close the connection; {@link #closed} is not due
   */
  public boolean tryOpen() {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A connection counted by {@link #tryOpen} closed. */
  public void closed() {
    open.decrementAndGet();
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  /** The limit. */
  public int max() {
    return max;
  }
}
