package dev.elbow.operator.status;

import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerStatus;
import dev.elbow.operator.translate.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Computes a Listener's status. Pure: everything it needs comes in as arguments. */
public final class ListenerStatusFactory {

  private ListenerStatusFactory() {}

  /**
   * @param groupMembersInService how many members of the listener's group take traffic, as the data
   *     planes report
   */
  public static ListenerStatus build(
      Listener listener,
      Verdict verdict,
      Programming programming,
      int groupMembersInService,
      Instant now) {
    long generation = Objects.requireNonNullElse(listener.getMetadata().getGeneration(), 0L);
    List<Condition> previous =
        listener.getStatus() == null ? null : listener.getStatus().getConditions();
    Condition accepted =
        Conditions.of(
            previous,
            Conditions.ACCEPTED,
            verdict.accepted(),
            verdict.reason(),
            verdict.message(),
            generation,
            now);
    Condition ready =
        Conditions.notReadyYet(previous, "listener", verdict, programming, generation, now)
            .orElseGet(
                () ->
                    groupMembersInService == 0
                        ? Conditions.of(
                            previous,
                            Conditions.READY,
                            false,
                            "NoHealthyMembers",
                            "BackendServerGroup "
                                + listener.getSpec().getBackendGroup()
                                + " has no member that takes traffic; clients are refused until one"
                                + " is healthy",
                            generation,
                            now)
                        : Conditions.of(
                            previous,
                            Conditions.READY,
                            true,
                            "Ready",
                            "serving port " + listener.getSpec().getPort() + " on every data plane",
                            generation,
                            now));
    ListenerStatus status = new ListenerStatus();
    status.setObservedGeneration(generation);
    status.setConditions(Conditions.list(accepted, ready));
    return status;
  }
}
