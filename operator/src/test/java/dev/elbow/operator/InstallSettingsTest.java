package dev.elbow.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstallSettingsTest {

  @Test
  void readsWhatTheChartSets() {
    InstallSettings settings =
        InstallSettings.fromEnvironment(
            Map.of(
                "ELBOW_TRAFFIC_SERVICE", "elbow-dataplane",
                "ELBOW_TRAFFIC_SERVICE_TYPE", "NodePort",
                "ELBOW_TRAFFIC_SERVICE_ANNOTATIONS", "{\"a.b/c\":\"d\"}",
                "ELBOW_TRAFFIC_SERVICE_EXTERNAL_TRAFFIC_POLICY", "Local",
                "ELBOW_LEADER_ELECTION_LEASE", "elbow-system/elbow-operator",
                "ELBOW_LEADER_ELECTION_IDENTITY", "pod-1",
                "ELBOW_LEADER_ELECTION_TIMINGS", "20,12,3",
                "ELBOW_METRICS_PORT", "9090"),
            "elbow-system");
    assertThat(settings.trafficService().name()).isEqualTo("elbow-dataplane");
    assertThat(settings.trafficService().type()).isEqualTo("NodePort");
    assertThat(settings.trafficService().annotations()).containsEntry("a.b/c", "d");
    assertThat(settings.trafficService().externalTrafficPolicy()).isEqualTo("Local");
    assertThat(settings.leaderElection())
        .isEqualTo(
            new LeaderElection(
                "elbow-system",
                "elbow-operator",
                "pod-1",
                Duration.ofSeconds(20),
                Duration.ofSeconds(12),
                Duration.ofSeconds(3)));
    assertThat(settings.metricsPort()).isEqualTo(9090);
  }

  @Test
  void nothingSetMeansNoServiceNoElectionAndMetricsOn8080() {
    assertThat(InstallSettings.fromEnvironment(Map.of(), null)).isEqualTo(InstallSettings.NONE);
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(
            () ->
                InstallSettings.fromEnvironment(
                    Map.of("ELBOW_TRAFFIC_SERVICE", "x", "ELBOW_TRAFFIC_SERVICE_TYPE", "Magic"),
                    "ns"))
        .hasMessageContaining("ELBOW_TRAFFIC_SERVICE_TYPE");
    assertThatThrownBy(
            () -> InstallSettings.fromEnvironment(Map.of("ELBOW_TRAFFIC_SERVICE", "x"), null))
        .hasMessageContaining("ELBOW_DATAPLANE_SERVICE");
    assertThatThrownBy(
            () ->
                InstallSettings.fromEnvironment(
                    Map.of(
                        "ELBOW_LEADER_ELECTION_LEASE", "ns/lease",
                        "ELBOW_LEADER_ELECTION_TIMINGS", "5,10,2"),
                    null))
        .hasMessageContaining("ELBOW_LEADER_ELECTION_TIMINGS")
        .hasMessageContaining("renew deadline");
    assertThatThrownBy(
            () ->
                InstallSettings.fromEnvironment(
                    Map.of(
                        "ELBOW_TRAFFIC_SERVICE", "x", "ELBOW_TRAFFIC_SERVICE_ANNOTATIONS", "[1]"),
                    "ns"))
        .hasMessageContaining("ELBOW_TRAFFIC_SERVICE_ANNOTATIONS");
    assertThatThrownBy(
            () -> InstallSettings.fromEnvironment(Map.of("ELBOW_METRICS_PORT", "http"), null))
        .hasMessageContaining("ELBOW_METRICS_PORT");
  }
}
