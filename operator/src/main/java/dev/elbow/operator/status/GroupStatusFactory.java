package dev.elbow.operator.status;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupStatus;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.api.v1alpha1.MemberStatus;
import dev.elbow.operator.translate.Verdict;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.MemberHealth;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** Computes a BackendServerGroup's status. Pure: everything it needs comes in as arguments. */
public final class GroupStatusFactory {

  private static final int MEMBERS_NAMED_IN_MESSAGES = 5;

  private GroupStatusFactory() {}

  /**
   * @param translated the group as translated into the snapshot, whose members (Service endpoints
   *     resolved) status lists; null before it is translated
   * @param health each member's health keyed by {@code address:port} as the data planes report it;
   *     members missing here are reported Unknown
   * @param deletionBlockedBy the listeners that keep a group being deleted alive; empty otherwise
   */
  public static BackendServerGroupStatus build(
      BackendServerGroup group,
      Verdict verdict,
      Programming programming,
      GroupConfig translated,
      Map<String, MemberHealth> health,
      List<String> deletionBlockedBy,
      Instant now) {
    return build(
        group, verdict, programming, translated, health, Map.of(), 0, deletionBlockedBy, now);
  }

  /**
   * As above, with how many of the {@code replicas} data planes find each member healthy ({@code
   * address:port} to count), shown per member as {@code healthyReplicas}.
   */
  public static BackendServerGroupStatus build(
      BackendServerGroup group,
      Verdict verdict,
      Programming programming,
      GroupConfig translated,
      Map<String, MemberHealth> health,
      Map<String, Integer> healthyCounts,
      int replicas,
      List<String> deletionBlockedBy,
      Instant now) {
    long generation = Objects.requireNonNullElse(group.getMetadata().getGeneration(), 0L);
    List<Condition> previous = group.getStatus() == null ? null : group.getStatus().getConditions();

    List<MemberStatus> members = new ArrayList<>();
    int inService = 0;
    for (MemberConfig member : members(group, verdict, translated)) {
      int port = member.port();
      MemberHealth reported = verdict.accepted() ? health.get(member.endpoint()) : null;
      HealthState state = reported == null ? HealthState.UNKNOWN : reported.state();
      String reason =
          reported != null
              ? (state == HealthState.UNMONITORED ? "health checks are off" : reported.reason())
              : verdict.accepted() ? "not checked yet" : "group not accepted";
      String since =
          reported == null || reported.since() == null
              ? null
              : reported.since().truncatedTo(ChronoUnit.SECONDS).toString();
      if (MemberStates.inService(state) && member.weight() > 0 && !member.draining()) {
        inService++;
      }
      MemberStatus status =
          new MemberStatus(member.address(), port, MemberStates.of(state), reason, since);
      status.setSource(Objects.requireNonNullElse(member.source(), MemberConfig.FROM_IP));
      status.setWeight(member.weight());
      if (replicas > 0 && verdict.accepted()) {
        status.setHealthyReplicas(
            healthyCounts.getOrDefault(member.endpoint(), 0) + "/" + replicas);
      }
      status.setEffectiveWeight(reported == null ? null : reported.effectiveWeight());
      if (reported != null && reported.ejectedUntil() != null) {
        status.setEjectedUntil(reported.ejectedUntil().truncatedTo(ChronoUnit.SECONDS).toString());
      }
      members.add(status);
    }

    Condition accepted =
        Conditions.of(
            previous,
            Conditions.ACCEPTED,
            verdict.accepted(),
            verdict.reason(),
            verdict.message(),
            generation,
            now);
    Condition ready = ready(previous, verdict, programming, members, inService, generation, now);

    BackendServerGroupStatus status = new BackendServerGroupStatus();
    status.setObservedGeneration(generation);
    status.setConditions(
        deletionBlockedBy.isEmpty()
            ? Conditions.list(accepted, ready)
            : Conditions.list(
                accepted,
                ready,
                Conditions.of(
                    previous,
                    Conditions.DELETION_BLOCKED,
                    true,
                    "InUseByListener",
                    "deletion waits until no Listener forwards here; listener "
                        + String.join(", ", deletionBlockedBy)
                        + " still does: point it at another group or delete it",
                    generation,
                    now)));
    status.setMembers(members);
    status.setHealthy(inService + "/" + members.size());
    return status;
  }

  /**
   * The members to report: as translated (Service endpoints resolved) when the translation is of
   * this generation, else the ones the spec lists by address.
   */
  private static List<MemberConfig> members(
      BackendServerGroup group, Verdict verdict, GroupConfig translated) {
    if (verdict.accepted() && translated != null) {
      return translated.members();
    }
    List<Member> listed =
        group.getSpec() == null || group.getSpec().getMembers() == null
            ? List.of()
            : group.getSpec().getMembers();
    return listed.stream()
        .map(
            m ->
                new MemberConfig(
                    m.getAddress(),
                    m.getPort() == null ? 0 : m.getPort(),
                    m.getWeight() == null ? 1 : m.getWeight()))
        .toList();
  }

  private static Condition ready(
      List<Condition> previous,
      Verdict verdict,
      Programming programming,
      List<MemberStatus> members,
      int inService,
      long generation,
      Instant now) {
    Optional<Condition> notYet =
        Conditions.notReadyYet(previous, "group", verdict, programming, generation, now);
    if (notYet.isPresent()) {
      return notYet.get();
    }
    if (inService == 0) {
      String why =
          members.isEmpty()
              ? "the group has no members"
              : "no member takes traffic: "
                  + members.stream()
                      .limit(MEMBERS_NAMED_IN_MESSAGES)
                      .map(
                          m ->
                              m.getAddress()
                                  + ":"
                                  + m.getPort()
                                  + " "
                                  + m.getHealth()
                                  + (m.getReason() == null ? "" : " (" + m.getReason() + ")"))
                      .collect(Collectors.joining(", "))
                  + (members.size() > MEMBERS_NAMED_IN_MESSAGES ? ", ..." : "");
      return Conditions.of(
          previous, Conditions.READY, false, "NoHealthyMembers", why, generation, now);
    }
    return Conditions.of(
        previous,
        Conditions.READY,
        true,
        "Ready",
        inService + " of " + members.size() + " members take traffic",
        generation,
        now);
  }
}
