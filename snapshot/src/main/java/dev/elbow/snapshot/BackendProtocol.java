package dev.elbow.snapshot;

/** The protocol the data plane speaks to the members of a group. */
public enum BackendProtocol {
  TCP,
  UDP,
  QUIC,
  HTTP,
  HTTPS;

  /** True for the datagram protocols, whose members are checked with UDP probes. */
  public boolean isDatagram() {
    return this == UDP || this == QUIC;
  }
}
