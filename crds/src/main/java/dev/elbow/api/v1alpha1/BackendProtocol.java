package dev.elbow.api.v1alpha1;

/** Protocol spoken to a group's members. */
public enum BackendProtocol {
  TCP,
  UDP,
  QUIC,
  HTTP,
  HTTPS;
}
