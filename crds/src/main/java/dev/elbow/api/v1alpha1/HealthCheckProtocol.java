package dev.elbow.api.v1alpha1;

/** How a health check probes a member. */
public enum HealthCheckProtocol {
  TCP,
  HTTP,
  HTTPS,
  UDP,
  GRPC;
}
