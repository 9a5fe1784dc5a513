package dev.elbow.dataplane.routing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a QUIC group's data plane learns from its members' long-header packets, which carry the
 * Source Connection ID a member chose: the ID its client puts in every later packet.
 *
 * <ul>
 *   <li>The length of those IDs, which short headers do not carry (unless configured).
 *   <li>Which member chose which ID. A client's first packet carries an ID the client made up, and
 *       hashing it picks the member; the member then chooses its own ID, which hashes elsewhere.
 *       When the client's address changes (NAT rebinding), its packets carry the member's ID, and
 *       this map sends them to that member. Without it, a hash alone would send them astray.
 * </ul>
 *
 * <p>It outlives routing tables, so a client that migrates after a snapshot change still finds its
 * member. The map is bounded (least recently learned go first) and keyed by a 64-bit hash of the
 * ID, so it holds no buffers.
 */
public final class QuicLearning {

  /** No length configured or learned yet. */
  public static final int UNKNOWN = -1;

  /** Connection IDs remembered per group; a QUIC handshake adds one or two. */
  static final int MAX_IDS = 65_536;

  private final boolean configured;
  private volatile int length;
  private final Map<Long, String> owners =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
          return size() > MAX_IDS;
        }
      };

  QuicLearning(Integer configuredLength) {
    this.configured = configuredLength != null;
    this.length = configuredLength == null ? UNKNOWN : configuredLength;
  }

  /** The length to read short headers with, or {@link #UNKNOWN}. */
  public int idLength() {
    return length;
  }

  /**
   * A member sent a long-header packet with a Source Connection ID of this length and hash. Called
   * on event loops, only for handshake packets, so the lock is rarely taken.
   */
  public void learn(int idLength, long idHash, String memberEndpoint) {
    if (!configured && idLength > 0 && idLength != length) {
      length = idLength; // a benign race: every writer writes what a member really issued
    }
    synchronized (owners) {
      owners.put(idHash, memberEndpoint);
    }
  }

  /** The {@code address:port} of the member that chose the ID of this hash, or null. */
  public String ownerOf(long idHash) {
    synchronized (owners) {
      return owners.get(idHash);
    }
  }
}
