package dev.elbow.snapshot;

/** The protocol clients speak to a listener. */
public enum ListenerProtocol {
  TCP,
  UDP,
  HTTP,
  HTTPS;

  /**
   * The ELB pairing rule: TCP to TCP, UDP to UDP or QUIC, HTTP to HTTP, HTTPS to HTTP or HTTPS.
   *
   * @return whether a listener of this protocol may forward to a group of {@code backend} protocol
   */
  public boolean canForwardTo(BackendProtocol backend) {
    return switch (this) {
      case TCP -> backend == BackendProtocol.TCP;
      case UDP -> backend == BackendProtocol.UDP || backend == BackendProtocol.QUIC;
      case HTTP -> backend == BackendProtocol.HTTP;
      case HTTPS -> backend == BackendProtocol.HTTP || backend == BackendProtocol.HTTPS;
    };
  }

  /** The backend protocols this listener protocol may forward to, for error messages. */
  public String allowedBackends() {
    return switch (this) {
      case TCP -> "TCP";
      case UDP -> "UDP or QUIC";
      case HTTP -> "HTTP";
      case HTTPS -> "HTTP or HTTPS";
    };
  }
}
