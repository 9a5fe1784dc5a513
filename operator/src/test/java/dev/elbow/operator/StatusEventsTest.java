package dev.elbow.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.operator.status.Programming;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.operator.translate.Verdict;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusEventsTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final List<Event> written = new ArrayList<>();
  private final StatusEvents events =
      new StatusEvents(written::add, Runnable::run, Clock.fixed(NOW, ZoneOffset.UTC));
  private final BackendServerGroup web = group();
  private final ResourceKey key = ResourceKey.of(web);

  private static BackendServerGroup group() {
    BackendServerGroup group = new BackendServerGroup();
    group.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("shop")
            .withName("web")
            .withUid("uid-1")
            .withGeneration(2L)
            .build());
    return group;
  }

  private ServingView view(HealthState state, String reason, Programming blocked) {
    Translation translation =
        new Translation(
            Snapshot.EMPTY,
            Map.of(key, new Judged("uid-1", 2, Verdict.accepted("1 member"))),
            Map.of());
    return new ServingView(
        true,
        translation,
        ServingView.Served.NONE,
        1,
        blocked,
        Map.of(),
        Map.of(
            "shop/web",
            Map.of("10.0.0.1:80", new MemberHealth("10.0.0.1", 80, state, reason, NOW))),
        Map.of());
  }

  @Test
  void aHealthChangeIsAnEventOnTheGroup() {
    events.between(
        view(HealthState.HEALTHY, null, null),
        view(HealthState.UNHEALTHY, "connection refused", null),
        List.of(web),
        List.of());
    assertThat(written)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("MemberUnhealthy");
              assertThat(e.getMessage())
                  .isEqualTo("10.0.0.1:80 is Unhealthy: connection refused (was Healthy)");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("BackendServerGroup");
              assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-1");
            });
  }

  @Test
  void aRefusedPushIsAnEventOnWhatItHoldsBackOnceForEachRefusal() {
    Programming refused =
        new Programming(
            Programming.State.REJECTED, "data plane http://dp:9901 refused the configuration: x");
    ServingView healthy = view(HealthState.HEALTHY, null, null);
    ServingView blocked = view(HealthState.HEALTHY, null, refused);
    events.between(healthy, blocked, List.of(web), List.of());
    events.between(blocked, blocked, List.of(web), List.of()); // the same refusal: no new event
    assertThat(written)
        .extracting(Event::getReason, Event::getType)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PushRejected", "Warning"));
    assertThat(written.get(0).getMessage()).contains("refused the configuration");
  }
}
