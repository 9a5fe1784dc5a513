package dev.elbow.snapshot;

/**
 * How long a listener waits, in seconds. The ranges and defaults are ELB's listener timeouts.
 *
 * @param tcpIdleSeconds a TCP connection with no traffic either way for this long is closed,
 *     10-4000
 * @param udpIdleSeconds a UDP flow with no datagram either way for this long is forgotten, 10-4000
 * @param httpKeepAliveSeconds a client HTTP connection idle between requests for this long is
 *     closed, 0-4000; 0 closes the connection after every response
 * @param requestSeconds a client that has not sent a whole request head this long after it began
 *     gets a 408, 1-300
 * @param responseSeconds a member silent this long during an exchange gets the client a 504, 1-300
 */
public record ListenerTimeouts(
    int tcpIdleSeconds,
    int udpIdleSeconds,
    int httpKeepAliveSeconds,
    int requestSeconds,
    int responseSeconds) {

  /** ELB's defaults. */
  public static final ListenerTimeouts DEFAULTS = new ListenerTimeouts(300, 300, 60, 60, 60);
}
