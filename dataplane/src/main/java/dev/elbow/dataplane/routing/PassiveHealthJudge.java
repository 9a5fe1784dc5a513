package dev.elbow.dataplane.routing;

import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.PassiveHealth;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's passive health, as Envoy's outlier detection judges: the failures traffic finds at each
 * member, ejections after enough in a row within the group's share, their end, and the group's
 * retry budget. Ejecting and bringing back run under the group's lock (the one {@link
 * GroupRuntime#refresh} holds), so the two never race on a member's {@link Ejection}.
 */
final class PassiveHealthJudge {

  private static final Logger log = LoggerFactory.getLogger("elbow.health");

  /** Retries a group always may have in flight, however few requests it has (Envoy: 3). */
  static final int MIN_RETRY_CONCURRENCY = 3;

  /** The share of a group's requests in flight that may be retries (Envoy's retry budget: 20%). */
  static final int RETRY_BUDGET_PERCENT = 20;

  private final GroupConfig config;
  private final List<Member> members;
  private final LongSupplier nanoTime;
  private final Consumer<String> healthChanges;
  private final Object lock;
  private final AtomicInteger retriesInFlight = new AtomicInteger();

  /**
   * @param healthChanges told the group's name when its pickers must be rebuilt (a member ejected)
   * @param lock the group's lock
   */
  PassiveHealthJudge(
      GroupConfig config,
      List<Member> members,
      LongSupplier nanoTime,
      Consumer<String> healthChanges,
      Object lock) {
    this.config = config;
    this.members = members;
    this.nanoTime = nanoTime;
    this.healthChanges = healthChanges;
    this.lock = lock;
  }

  /** A member answered (a response that is not a gateway failure): its failures start over. */
  void passed(Member member) {
    member.traffic().ejection().passed();
  }

  /**
   * One more failure of the member's doing. After the group's {@code consecutiveFailures} in a row
   * the member is ejected, unless the group already has its share ejected. Any thread.
   */
  void failed(Member member, String why) {
    PassiveHealth policy = config.passiveHealth();
    if (!policy.enabled()) {
      return;
    }
    int inARow = member.traffic().ejection().failed();
    if (inARow >= policy.consecutiveFailures()) {
      synchronized (lock) {
        eject(member, policy, inARow, why);
      }
    }
  }

  private void eject(Member member, PassiveHealth policy, int inARow, String why) {
    Ejection ejection = member.traffic().ejection();
    if (ejection.ejected() || !members.contains(member)) {
      return; // already out, or left the group with this snapshot
    }
    int ejected = 0;
    for (Member m : members) {
      ejected += m.traffic().ejection().ejected() ? 1 : 0;
    }
    // Envoy's rule: the share caps ejections, but one member may always be ejected.
    int allowed = Math.max(1, members.size() * policy.maxEjectionPercent() / 100);
    if (ejected >= allowed) {
      log.debug(
          "{}: {} not ejected after {} failures in a row: {} of {} members are ejected already",
          config.name(),
          member,
          inARow,
          ejected,
          members.size());
      return;
    }
    String reason = inARow + " failures in a row, the last: " + why;
    long seconds =
        ejection.eject(
            nanoTime.getAsLong(),
            Instant.now(),
            TimeUnit.SECONDS.toNanos(policy.baseEjectionSeconds()),
            TimeUnit.SECONDS.toNanos(policy.maxEjectionSeconds()),
            reason);
    log.warn(
        "group {} member {}: {} -> EJECTED for {}s by passive health: {}",
        config.name(),
        member,
        member.health().state(),
        seconds,
        reason);
    healthChanges.accept(config.name());
  }

  /** Whether a member's ejection has run out, so the pickers must be rebuilt with it back. */
  boolean ejectionExpired() {
    long now = nanoTime.getAsLong();
    for (Member member : members) {
      if (member.traffic().ejection().expired(now)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the member's ejection when it ran out, or when its active checks saw it fail and then pass
   * their healthy threshold (it recovered by the group's own measure; checks that passed throughout
   * say nothing about what traffic found). Under the group's lock, before the pickers are rebuilt.
   */
  void bringBackIfDue(Member member, long now) {
    MemberTraffic traffic = member.traffic();
    Ejection ejection = traffic.ejection();
    HealthState state = member.health().state();
    if (ejection.expired(now)) {
      ejection.end(now);
      log.info("group {} member {}: EJECTED -> {}: ejection over", config.name(), member, state);
    } else if (ejection.ejected()
        && traffic.lastState == HealthState.UNHEALTHY
        && state == HealthState.HEALTHY) {
      ejection.end(now);
      log.info(
          "group {} member {}: EJECTED -> HEALTHY: active checks pass again",
          config.name(),
          member);
    }
  }

  /**
   * Takes one retry from the group's budget: a retry may go while the group's retries in flight are
   * fewer than {@link #MIN_RETRY_CONCURRENCY} or {@link #RETRY_BUDGET_PERCENT} of its requests in
   * flight, so retries cannot multiply the load on a group in trouble. Pair with {@link
   * #retryDone}.
   */
  boolean tryRetry() {
    int inFlight = 0;
    for (Member member : members) {
      inFlight += member.traffic().active();
    }
    int budget = Math.max(MIN_RETRY_CONCURRENCY, inFlight * RETRY_BUDGET_PERCENT / 100);
    while (true) {
      int retries = retriesInFlight.get();
      if (retries >= budget) {
        return false;
      }
      if (retriesInFlight.compareAndSet(retries, retries + 1)) {
        return true;
      }
    }
  }

  /** A retry taken with {@link #tryRetry} is over. */
  void retryDone() {
    retriesInFlight.decrementAndGet();
  }
}
