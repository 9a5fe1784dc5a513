package dev.elbow.api.v1alpha1;

/** The HTTP version an HTTP or HTTPS group's members speak, as ALB's target groups say it. */
public enum ProtocolVersion {
  HTTP1,
  HTTP2;
}
