package dev.elbow.dataplane.routing;

/**
 * The length of the connection IDs a QUIC group's members issue, which short-header packets do not
 * carry. Configured, or learned from the Source Connection ID of the members' long-header packets
 * (the ID a client then puts in every short header). It outlives routing tables, so a client that
 * migrates after a snapshot change is still hashed by its connection ID.
 */
public final class QuicIdLength {

  /** Nothing configured or learned yet. */
  public static final int UNKNOWN = -1;

  private final boolean configured;
  private volatile int length;

  QuicIdLength(Integer configured) {
    this.configured = configured != null;
    this.length = configured == null ? UNKNOWN : configured;
  }

  /** The length to read short headers with, or {@link #UNKNOWN}. */
  public int get() {
    return length;
  }

  /** A member issued a connection ID of this length; ignored when a length is configured. */
  public void learn(int issued) {
    if (!configured && issued > 0 && issued != length) {
      length = issued; // a benign race: every writer writes what a member really issued
    }
  }
}
