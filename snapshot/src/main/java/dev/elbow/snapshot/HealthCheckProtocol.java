package dev.elbow.snapshot;

/** How a health check probes a member. */
public enum HealthCheckProtocol {
  /** A TCP connect that succeeds within the timeout. */
  TCP,
  /** An HTTP GET whose status code is one of the expected codes. */
  HTTP,
  /** An HTTP GET over TLS whose status code is one of the expected codes. */
  HTTPS,
  /** A UDP probe that draws no ICMP port-unreachable. */
  UDP,
  /**
   * A gRPC health check ({@code grpc.health.v1.Health/Check}) over HTTP/2 that answers SERVING for
   * the configured service name.
   */
  GRPC
}
