package dev.elbow.operator;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.status.MemberStates;
import dev.elbow.operator.status.Programming;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for what a user may want to be told about as it happens, beside status: a
 * member's health changing (on its BackendServerGroup) and a data plane refusing a push (on each
 * resource that refusal holds back). Written off the coordinator's thread; a failed write is logged
 * and dropped, as events are best effort.
 */
final class StatusEvents {

  private static final Logger log = LoggerFactory.getLogger(StatusEvents.class);

  private final Consumer<Event> sink;
  private final Executor io;
  private final Clock clock;

  /**
   * @param sink writes one event
   * @param io where the sink runs, off the coordinator's thread
   */
  StatusEvents(Consumer<Event> sink, Executor io, Clock clock) {
    this.sink = sink;
    this.io = io;
    this.clock = clock;
  }

  /** Writes the events for what changed between two views. */
  void between(
      ServingView before,
      ServingView after,
      List<BackendServerGroup> groups,
      List<Listener> listeners) {
    List<Event> events = new ArrayList<>();
    for (BackendServerGroup group : groups) {
      ResourceKey key = ResourceKey.of(group);
      Map<String, MemberHealth> was = before.health(key);
      after
          .health(key)
          .forEach(
              (endpoint, now) -> {
                MemberHealth then = was.get(endpoint);
                // Unknown comes and goes with data planes (a restarted one has not checked yet):
                // telling it would flood every group's events at each restart.
                if (then != null
                    && then.state() != now.state()
                    && then.state() != HealthState.UNKNOWN
                    && now.state() != HealthState.UNKNOWN) {
                  events.add(healthEvent(group, endpoint, then, now));
                }
              });
    }
    Programming blocked = after.blocked();
    if (blocked != null
        && blocked.state() == Programming.State.REJECTED
        && !Objects.equals(blocked, before.blocked())) {
      for (BackendServerGroup group : groups) {
        Judged judged = after.groupVerdict(ResourceKey.of(group));
        if (after.groupProgramming(ResourceKey.of(group), judged).state()
            == Programming.State.REJECTED) {
          events.add(event(group, "Warning", "PushRejected", blocked.message()));
        }
      }
      for (Listener listener : listeners) {
        Judged judged = after.listenerVerdict(ResourceKey.of(listener));
        if (after.listenerProgramming(ResourceKey.of(listener), judged).state()
            == Programming.State.REJECTED) {
          events.add(event(listener, "Warning", "PushRejected", blocked.message()));
        }
      }
    }
    if (!events.isEmpty()) {
      io.execute(() -> events.forEach(this::write));
    }
  }

  private Event healthEvent(
      BackendServerGroup group, String endpoint, MemberHealth then, MemberHealth now) {
    String word = MemberStates.of(now.state());
    return event(
        group,
        now.state() == HealthState.UNHEALTHY ? "Warning" : "Normal",
        "Member" + word,
        endpoint
            + " is "
            + word
            + (now.reason() == null ? "" : ": " + now.reason())
            + " (was "
            + MemberStates.of(then.state())
            + ")");
  }

  private Event event(HasMetadata about, String type, String reason, String message) {
    String now = clock.instant().toString();
    return new EventBuilder()
        .withNewMetadata()
        .withGenerateName(about.getMetadata().getName() + ".")
        .withNamespace(about.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(about.getApiVersion())
                .withKind(about.getKind())
                .withName(about.getMetadata().getName())
                .withNamespace(about.getMetadata().getNamespace())
                .withUid(about.getMetadata().getUid())
                .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .withNewSource()
        .withComponent("elbow-operator")
        .endSource()
        .withReportingComponent("elbow.dev/operator")
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
  }

  private void write(Event event) {
    try {
      sink.accept(event);
    } catch (RuntimeException e) {
      log.debug("cannot write event {}: {}", event.getReason(), e.toString());
    }
  }

  /** No events (tests of the coordinator alone). */
  static StatusEvents none() {
    return new StatusEvents(e -> {}, Runnable::run, Clock.systemUTC());
  }

  /** Events written by this client on {@code io}. */
  static StatusEvents writingWith(KubernetesClient client, Executor io, Clock clock) {
    return new StatusEvents(
        e -> client.v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create(),
        io,
        clock);
  }
}
