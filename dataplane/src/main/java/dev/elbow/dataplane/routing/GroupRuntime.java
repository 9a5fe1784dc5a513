package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.lb.RendezvousHash;
import dev.elbow.dataplane.lb.SmoothWeightedRoundRobin;
import dev.elbow.dataplane.tls.BackendTlsContexts;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.GroupConfig;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend group in service: its members and the picker over those that may take traffic now.
 *
 * <p>The picker is rebuilt whenever a member's health changes, off the request path; requests only
 * read the current {@link Selection}, so picking takes no lock.
 */
public final class GroupRuntime {

  private final GroupConfig config;
  private final List<Member> members;
  private final Map<String, Member> byEndpoint = new HashMap<>();
  private final QuicLearning quicLearning;
  private final BackendTlsContexts tls;
  private volatile Selection selection;

  GroupRuntime(
      GroupConfig config, List<Member> members, QuicLearning quicLearning, BackendTlsContexts tls) {
    this.config = config;
    this.members = List.copyOf(members);
    this.quicLearning = quicLearning;
    this.tls = tls;
    this.members.forEach(m -> byEndpoint.put(m.config().endpoint(), m));
    this.selection = Selection.of(this.members);
  }

  public GroupConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public List<Member> members() {
    return members;
  }

  /** The member for the next connection or request, or null when none may take traffic. */
  public Member pick() {
    Selection current = selection;
    int index = current.picker.next();
    return index < 0 ? null : current.eligible[index];
  }

  /**
   * The member for a new connection, request or flow from {@code client}: by the group's algorithm,
   * so with SOURCE_IP a consistent hash of the client's IP address (the same client keeps its
   * member while the members stay; adding or removing one of N moves about 1/N of the clients),
   * else the next in weighted round robin.
   */
  public Member pickFor(InetAddress client) {
    if (config.algorithm() == Algorithm.SOURCE_IP) {
      return pickByHash(RendezvousHash.mix(client.hashCode() * 0x9e3779b97f4a7c15L));
    }
    return pick();
  }

  /**
   * The member that owns this hash (of a QUIC connection ID or a client address) by weighted
   * rendezvous hashing over the members that may take traffic, or null when none may.
   */
  public Member pickByHash(long hash) {
    Selection current = selection;
    int index = current.hashing.pick(hash);
    return index < 0 ? null : current.eligible[index];
  }

  /** TLS towards the members, or null when the group speaks plain TCP. */
  public BackendTlsContexts tls() {
    return tls;
  }

  /** The member at this {@code address:port} in this group, or null. */
  public Member member(String endpoint) {
    return byEndpoint.get(endpoint);
  }

  /** The length of the QUIC connection IDs the members issue, known or learned; QUIC groups. */
  public QuicLearning quicLearning() {
    return quicLearning;
  }

  /** Another member than {@code failed}, for the one retry after a failed connect; or null. */
  public Member pickOtherThan(Member failed) {
    Selection current = selection;
    int avoid = -1;
    for (int i = 0; i < current.eligible.length; i++) {
      if (current.eligible[i] == failed) {
        avoid = i;
        break;
      }
    }
    int index = current.picker.nextOtherThan(avoid);
    return index < 0 ? null : current.eligible[index];
  }

  /**
   * Rebuilds the picker from the members' current health. Synchronized so two health changes on
   * different event loops cannot publish a selection that misses one of them.
   */
  public synchronized void refresh() {
    selection = Selection.of(members);
  }

  /** The members that may take traffic now, and the picker over them. */
  private record Selection(
      Member[] eligible, SmoothWeightedRoundRobin picker, RendezvousHash hashing) {

    static Selection of(List<Member> members) {
      Member[] eligible = members.stream().filter(Member::inService).toArray(Member[]::new);
      if (eligible.length == 0) {
        // Before the first checks finish nothing is healthy yet; trying untested members beats
        // refusing every request. Members known to be unhealthy are never tried.
        eligible = members.stream().filter(Member::untested).toArray(Member[]::new);
      }
      int[] weights = new int[eligible.length];
      long[] seeds = new long[eligible.length];
      for (int i = 0; i < eligible.length; i++) {
        weights[i] = eligible[i].weight();
        seeds[i] = RendezvousHash.seed(eligible[i].config().endpoint());
      }
      return new Selection(
          eligible, SmoothWeightedRoundRobin.of(weights), new RendezvousHash(seeds, weights));
    }
  }
}
