package dev.elbow.snapshot;

/** How a group picks a member for a new connection or request. All of them honour weights. */
public enum Algorithm {
  /** Smooth weighted round robin: members take turns in proportion to their weights. */
  ROUND_ROBIN,
  /** The member with the fewest active connections per unit of weight. */
  LEAST_CONNECTIONS,
  /** A consistent hash of the client's IP address; weight 0 takes a member out. */
  SOURCE_IP,
  /** A consistent hash of the QUIC connection ID; QUIC groups only. */
  QUIC_CID
}
