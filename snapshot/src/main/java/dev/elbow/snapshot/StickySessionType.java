package dev.elbow.snapshot;

/** What keeps a client on the member it was first sent to. */
public enum StickySessionType {
  /** The client's IP address, remembered for the session's timeout; TCP and UDP groups. */
  SOURCE_IP,
  /** A cookie the load balancer issues that names the member opaquely; HTTP and HTTPS groups. */
  LB_COOKIE,
  /**
   * An application cookie the members set: while a client sends it back, its requests go to the
   * member that set it; HTTP and HTTPS groups.
   */
  APP_COOKIE;

  /** Whether this kind works on a group of this protocol. */
  public boolean appliesTo(BackendProtocol protocol) {
    boolean http = protocol == BackendProtocol.HTTP || protocol == BackendProtocol.HTTPS;
    return this == SOURCE_IP
        ? protocol == BackendProtocol.TCP || protocol == BackendProtocol.UDP
        : http;
  }
}
