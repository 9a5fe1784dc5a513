package dev.elbow.snapshot;

/**
 * The PROXY protocol header (HAProxy's specification) the data plane sends first on each connection
 * to a TCP member, so the member learns the client's address and port: version 1 is a text line,
 * version 2 binary (HAProxy's {@code send-proxy} and {@code send-proxy-v2}). UDP members get
 * version 2 (transport DGRAM) before every datagram.
 */
public enum ProxyProtocol {
  V1,
  V2
}
