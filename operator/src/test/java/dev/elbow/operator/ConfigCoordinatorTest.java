package dev.elbow.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupSpec;
import dev.elbow.operator.push.DataPlaneClient;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import dev.elbow.operator.translate.ResourceKey;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigCoordinatorTest {

  private static BackendServerGroup group() {
    BackendServerGroup group = new BackendServerGroup();
    group.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName("web").withGeneration(1L).build());
    BackendServerGroupSpec spec = new BackendServerGroupSpec();
    spec.setProtocol(BackendProtocol.TCP);
    group.setSpec(spec);
    return group;
  }

  @Test
  void syncsNothingUntilStartedSoHalfFilledCachesNeverReachTheDataPlanes() {
    try (ConfigCoordinator coordinator =
        new ConfigCoordinator(
            new DataPlaneClient("t", Executors.newSingleThreadExecutor()),
            new StaticDataPlaneEndpoints(Set.of()),
            Clock.systemUTC())) {
      coordinator.attachGroups(() -> Stream.of(group()), key -> {});
      coordinator.attachListeners(Stream::empty, key -> {});
      ResourceKey web = new ResourceKey("ns", "web");

      coordinator.requestSync(); // a reconcile during start-up
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> coordinator.groupVerdict(web) == null);

      coordinator.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.groupVerdict(web) != null);
      assertThat(coordinator.groupVerdict(web).verdict().accepted()).isTrue();
      assertThat(List.of(coordinator.groupVerdict(web).generation())).containsExactly(1L);
    }
  }
}
