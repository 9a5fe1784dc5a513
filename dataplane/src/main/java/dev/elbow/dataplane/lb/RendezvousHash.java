package dev.elbow.dataplane.lb;

/**
 * Weighted rendezvous (highest random weight) hashing: a key goes to the member whose score for it
 * is highest, the score being {@code weight / -ln(u)} with {@code u} a uniform hash of key and
 * member. Each member then gets keys in proportion to its weight, and adding or removing one of N
 * members moves only the keys that member wins or held, about 1/N of them; no other key moves.
 *
 * <p>A pick costs one hash and one logarithm per member and allocates nothing. It runs once per new
 * flow, not per packet, so the linear scan over at most 500 members is cheap enough and needs no
 * table to rebuild when members change.
 */
public final class RendezvousHash {

  private final long[] seeds;
  private final int[] weights;

  /**
   * @param seeds a stable hash of each member's identity (address and port), so that a member keeps
   *     its keys across snapshots
   * @param weights each member's weight; 0 is never picked
   */
  public RendezvousHash(long[] seeds, int[] weights) {
    if (seeds.length != weights.length) {
      throw new IllegalArgumentException("one seed per weight");
    }
    this.seeds = seeds.clone();
    this.weights = weights.clone();
  }

  /** The index of the member that owns {@code key}, or -1 when every weight is 0. */
  public int pick(long key) {
    int best = -1;
    double bestScore = 0;
    for (int i = 0; i < seeds.length; i++) {
      if (weights[i] <= 0) {
        continue;
      }
      double score = weights[i] / -Math.log(unit(mix(key ^ seeds[i])));
      if (best < 0 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  /** A stable 64-bit seed for a member's identity, e.g. {@code "10.0.0.1:443"}. */
  public static long seed(String identity) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < identity.length(); i++) {
      h ^= identity.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** A 64-bit finalizer (from MurmurHash3) that spreads every input bit over the whole output. */
  public static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** The top 53 bits as a double in (0, 1): never 0, whose logarithm is infinite. */
  private static double unit(long h) {
    return ((h >>> 11) + 0.5) / (double) (1L << 53);
  }
}
