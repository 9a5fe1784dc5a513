package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.lb.LeastConnections;
import dev.elbow.dataplane.lb.RendezvousHash;
import dev.elbow.dataplane.lb.SmoothWeightedRoundRobin;
import dev.elbow.dataplane.tls.BackendTlsContexts;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.StickySessionType;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A backend group in service: its members and the pickers over those that may take traffic now.
 *
 * <p>The pickers are rebuilt whenever a member's health changes, and every second while a member is
 * in slow start, off the request path; requests only read the current {@link Selection}, so picking
 * takes no lock. Sticky sessions sit in front of the algorithm: a client with a live session goes
 * to its member while that member {@link Member#takesTraffic takes traffic}, else the algorithm
 * picks and the session moves.
 *
 * <p>Traffic reports each member's failures ({@link #failed}) and good answers ({@link #passed}) to
 * the group's {@link PassiveHealthJudge}, which ejects members and keeps the retry budget; the
 * pickers are rebuilt without an ejected member until its ejection runs out.
 */
public final class GroupRuntime {

  private final GroupConfig config;
  private final List<Member> members;
  private final Map<String, Member> byEndpoint = new HashMap<>();
  private final QuicLearning quicLearning;
  private final BackendTlsContexts tls;
  private final SourceIpSessions sourceIpSessions;
  private final StickyCookies cookies;
  private final LongSupplier nanoTime;
  private final Timer connectDuration;
  private final long slowStartNanos;
  private final PassiveHealthJudge judge;
  private volatile Selection selection;

  GroupRuntime(
      GroupConfig config,
      List<Member> members,
      QuicLearning quicLearning,
      BackendTlsContexts tls,
      SourceIpSessions sourceIpSessions,
      StickyCookies cookies,
      LongSupplier nanoTime,
      Timer connectDuration,
      Consumer<String> healthChanges) {
    this.config = config;
    this.connectDuration = connectDuration;
    this.members = List.copyOf(members);
    this.quicLearning = quicLearning;
    this.tls = tls;
    this.sourceIpSessions = sourceIpSessions;
    this.cookies = cookies;
    this.nanoTime = nanoTime;
    // Slow start only where health checks say when a member is ready; with checks off a member
    // gets its full weight at once.
    this.slowStartNanos =
        config.slowStart() != null && config.healthCheck().enabled()
            ? TimeUnit.SECONDS.toNanos(config.slowStart().durationSeconds())
            : 0;
    this.members.forEach(m -> byEndpoint.put(m.config().endpoint(), m));
    this.judge = new PassiveHealthJudge(config, this.members, nanoTime, healthChanges, this);
    // Pickers from the members' state as it is, changing none of it: the traffic state is shared
    // with the group in force, and this group may yet be thrown away (a snapshot refused after
    // building). The data plane refreshes the group once it is swapped in.
    publish(
        Selection.of(
            this.members,
            slowStartNanos,
            nanoTime.getAsLong(),
            config.passiveHealth().panicThresholdPercent(),
            false));
  }

  public GroupConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  /** The histogram that connects to this group's members are recorded in. */
  public Timer connectDuration() {
    return connectDuration;
  }

  public List<Member> members() {
    return members;
  }

  /**
   * The member for the next request or connection by the group's algorithm when the client does not
   * matter (ROUND_ROBIN or LEAST_CONNECTIONS), or null when none may take traffic.
   */
  public Member pick() {
    Selection current = selection;
    int index =
        config.algorithm() == Algorithm.LEAST_CONNECTIONS
            ? current.leastConnections.pick(current.active)
            : current.roundRobin.next();
    return index < 0 ? null : current.eligible[index];
  }

  /**
   * The member for a new connection, request or flow from {@code client}: the member of the
   * client's sticky session when it has a live one (SOURCE_IP stickiness), else by the group's
   * algorithm, so with SOURCE_IP a consistent hash of the client's IP address (the same client
   * keeps its member while the members stay; adding or removing one of N moves about 1/N of the
   * clients).
   */
  public Member pickFor(InetAddress client) {
    if (sourceIpSessions != null) {
      return pickSticky(client);
    }
    if (config.algorithm() == Algorithm.SOURCE_IP) {
      return pickByHash(RendezvousHash.mix(client.hashCode() * 0x9e3779b97f4a7c15L));
    }
    return pick();
  }

  private Member pickSticky(InetAddress client) {
    String endpoint = sourceIpSessions.endpointOf(client);
    if (endpoint != null) {
      Member stuck = byEndpoint.get(endpoint);
      if (stuck != null && stuck.takesTraffic()) {
        return stuck;
      }
    }
    Member chosen = pick();
    if (chosen != null) {
      sourceIpSessions.remember(client, chosen.config().endpoint());
    }
    return chosen;
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
    int index =
        config.algorithm() == Algorithm.LEAST_CONNECTIONS
            ? current.leastConnections.pickOtherThan(avoid, current.active)
            : current.roundRobin.nextOtherThan(avoid);
    return index < 0 ? null : current.eligible[index];
  }

  /** A member answered (a response that is not a gateway failure): its failures start over. */
  public void passed(Member member) {
    judge.passed(member);
  }

  /**
   * A member answered with {@code status}: a 502, 503 or 504 of its own is a gateway failure that
   * counts against it (it is itself failing to serve), any other status is a good answer.
   */
  public void answered(Member member, int status) {
    if (status == 502 || status == 503 || status == 504) {
      judge.failed(member, "answered " + status);
    } else {
      judge.passed(member);
    }
  }

  /**
   * Traffic to a member failed in a way that is the member's doing: a refused or timed-out connect,
   * a reset or close before the response was whole, a malformed response, no response in time, a
   * gateway failure status. Any thread; see {@link PassiveHealthJudge#failed}.
   */
  public void failed(Member member, String why) {
    judge.failed(member, why);
  }

  /** Whether a member's ejection has run out, so {@link #refresh} must bring it back. */
  public boolean ejectionExpired() {
    return judge.ejectionExpired();
  }

  /** Takes one retry from the group's budget, or false; see {@link PassiveHealthJudge#tryRetry}. */
  public boolean tryRetry() {
    return judge.tryRetry();
  }

  /** A retry taken with {@link #tryRetry} is over. */
  public void retryDone() {
    judge.retryDone();
  }

  /** The cookies of LB_COOKIE and APP_COOKIE sticky sessions; null for other groups. */
  public StickyCookies cookies() {
    return cookies;
  }

  /** The table of SOURCE_IP sticky sessions; null for other groups. */
  public SourceIpSessions sourceIpSessions() {
    return sourceIpSessions;
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

  /** Whether a member is in slow start, so the pickers must be rebuilt as time passes. */
  public boolean ramping() {
    return selection.ramping;
  }

  /**
   * Rebuilds the pickers from the members' current health and, in slow start, the time. A member
   * that enters service after being unhealthy, or for the first time after joining a group that was
   * already serving, starts its slow start now. Synchronized so two health changes on different
   * event loops cannot publish a selection that misses one of them.
   */
  public synchronized void refresh() {
    long now = nanoTime.getAsLong();
    for (Member member : members) {
      MemberTraffic traffic = member.traffic();
      judge.bringBackIfDue(member, now);
      boolean inService = member.inService();
      if (inService && !traffic.lastInService) {
        if (slowStartNanos > 0
            && (traffic.lastState == HealthState.UNHEALTHY || traffic.rampWhenFirstInService)) {
          traffic.ramping = true;
          traffic.rampStartNanos = now;
        }
        traffic.rampWhenFirstInService = false;
      }
      if (!inService) {
        traffic.ramping = false; // ends early: it will start again when the member is back
      }
      traffic.lastInService = inService;
      traffic.lastState = member.health().state();
    }
    publish(
        Selection.of(
            members, slowStartNanos, now, config.passiveHealth().panicThresholdPercent(), true));
  }

  private void publish(Selection next) {
    members.forEach(m -> m.takesTraffic(false));
    for (Member member : next.eligible) {
      member.takesTraffic(true);
    }
    selection = next;
  }

  /** The members that may take traffic now, and the pickers over them. */
  private record Selection(
      Member[] eligible,
      SmoothWeightedRoundRobin roundRobin,
      LeastConnections leastConnections,
      LeastConnections.ActiveCounts active,
      RendezvousHash hashing,
      boolean ramping) {

    /**
     * @param panicPercent below this share of the members in rotation in service, all of them take
     *     traffic (Envoy's healthy panic threshold); 0 never
     * @param advance whether slow starts may end (time up, only member) and effective weights be
     *     recorded; false computes the pickers without changing any member's traffic state
     */
    static Selection of(
        List<Member> members, long slowStartNanos, long now, int panicPercent, boolean advance) {
      Member[] eligible = members.stream().filter(Member::inService).toArray(Member[]::new);
      Member[] rotation = members.stream().filter(Member::mayTakeTraffic).toArray(Member[]::new);
      if (panicPercent > 0 && eligible.length * 100L < (long) panicPercent * rotation.length) {
        // Too few left to carry the load: spreading it over every member, in service or not,
        // serves more than piling it on the few (or refusing it when none is left).
        eligible = rotation;
      } else if (eligible.length == 0) {
        // Before the first checks finish nothing is healthy yet; trying untested members beats
        // refusing every request.
        eligible = members.stream().filter(Member::untested).toArray(Member[]::new);
      }
      int[] weights = new int[eligible.length];
      int[] rampedWeights = new int[eligible.length];
      long[] seeds = new long[eligible.length];
      boolean ramping = false;
      for (int i = 0; i < eligible.length; i++) {
        Member member = eligible[i];
        weights[i] = member.weight();
        seeds[i] = RendezvousHash.seed(member.config().endpoint());
        rampedWeights[i] =
            SlowStarts.pickerWeight(member, slowStartNanos, now, eligible.length, advance);
        ramping |= member.traffic().ramping;
      }
      for (Member member : members) {
        if (advance && !member.traffic().ramping) {
          member.traffic().effectiveTenths = MemberTraffic.FULL;
        }
      }
      Member[] chosen = eligible;
      return new Selection(
          chosen,
          SmoothWeightedRoundRobin.of(rampedWeights),
          new LeastConnections(weights),
          i -> chosen[i].traffic().active(),
          new RendezvousHash(seeds, weights),
          ramping);
    }
  }

  /** Whether the group keeps SOURCE_IP sessions. */
  static boolean keepsSourceIpSessions(GroupConfig config) {
    return config.stickySession() != null
        && config.stickySession().type() == StickySessionType.SOURCE_IP;
  }
}
