package dev.elbow.operator.status;

import dev.elbow.operator.translate.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds status conditions the Kubernetes way: a condition's {@code lastTransitionTime} moves only
 * when its status flips, not when its reason or message changes.
 */
public final class Conditions {

  public static final String ACCEPTED = "Accepted";
  public static final String READY = "Ready";

  /** Present only while a group's deletion waits for the listeners that still use it. */
  public static final String DELETION_BLOCKED = "DeletionBlocked";

  private Conditions() {}

  /**
   * A condition as it should be now.
   *
   * @param previous the resource's conditions as they are, to carry transition times over
   */
  public static Condition of(
      List<Condition> previous,
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      Instant now) {
    String statusText = status ? "True" : "False";
    String since =
        previous == null
            ? null
            : previous.stream()
                .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(
            since != null ? since : now.truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }

  /**
   * The Ready condition of a resource that is not accepted, or not served yet by every data plane;
   * empty when it is both, and readiness depends on the resource itself.
   *
   * @param kind "group" or "listener", for the message
   */
  public static Optional<Condition> notReadyYet(
      List<Condition> previous,
      String kind,
      Verdict verdict,
      Programming programming,
      long generation,
      Instant now) {
    if (!verdict.accepted()) {
      return Optional.of(
          of(
              previous,
              READY,
              false,
              "NotAccepted",
              "the " + kind + " is not accepted; see the Accepted condition",
              generation,
              now));
    }
    if (programming.state() != Programming.State.PROGRAMMED) {
      return Optional.of(
          of(previous, READY, false, programming.reason(), programming.message(), generation, now));
    }
    return Optional.empty();
  }

  /** The conditions in a fixed order, for stable status objects. */
  public static List<Condition> list(Condition... conditions) {
    return new ArrayList<>(List.of(conditions));
  }
}
