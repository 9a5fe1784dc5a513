package dev.elbow.snapshot;

/**
 * The HTTP version an HTTP or HTTPS group's members speak (ALB's target group protocol version):
 * HTTP/1.1, or HTTP/2, over TLS by ALPN for HTTPS groups and cleartext with prior knowledge (h2c)
 * for HTTP groups. gRPC members speak HTTP/2.
 */
public enum ProtocolVersion {
  HTTP1,
  HTTP2
}
