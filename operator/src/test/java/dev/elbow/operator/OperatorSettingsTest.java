package dev.elbow.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void readsAServiceToDiscover() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "ELBOW_ADMIN_TOKEN",
                "t",
                "ELBOW_DATAPLANE_SERVICE",
                "elbow-system/elbow-dataplane"));
    assertThat(settings.serviceNamespace()).isEqualTo("elbow-system");
    assertThat(settings.serviceName()).isEqualTo("elbow-dataplane");
    assertThat(settings.adminPortName()).isEqualTo("admin");
    assertThat(settings.describeDataPlanes()).contains("elbow-system/elbow-dataplane");
    assertThat(settings.namespaces()).isEmpty();
  }

  @Test
  void readsFixedEndpoints() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "ELBOW_ADMIN_TOKEN",
                "t",
                "ELBOW_DATAPLANE_ENDPOINTS",
                "http://10.0.0.1:9901, http://10.0.0.2:9901"));
    assertThat(settings.endpoints()).isNotNull();
  }

  @Test
  void readsTheTokensSecret() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "ELBOW_ADMIN_TOKEN_SECRET",
                "elbow-system/elbow-admin-token",
                "ELBOW_ADMIN_TOKEN_SECRET_GENERATE",
                "true",
                "ELBOW_DATAPLANE_SERVICE",
                "elbow-system/elbow-dataplane-admin"));
    assertThat(settings.adminToken()).isNull();
    assertThat(settings.adminTokenSecret()).isEqualTo("elbow-system/elbow-admin-token");
    assertThat(settings.generateAdminToken()).isTrue();
    // A token given outright wins, and a Secret's name needs its namespace.
    assertThat(
            OperatorSettings.fromEnvironment(
                    Map.of(
                        "ELBOW_ADMIN_TOKEN", "t",
                        "ELBOW_ADMIN_TOKEN_SECRET", "a/b",
                        "ELBOW_DATAPLANE_SERVICE", "a/c"))
                .adminToken())
        .isEqualTo("t");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("ELBOW_ADMIN_TOKEN_SECRET", "b", "ELBOW_DATAPLANE_SERVICE", "a/c")))
        .hasMessageContaining("ELBOW_ADMIN_TOKEN_SECRET")
        .hasMessageContaining("namespace/name");
  }

  @Test
  void saysWhichVariableIsMissing() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("ELBOW_DATAPLANE_SERVICE", "a/b")))
        .hasMessageContaining("ELBOW_ADMIN_TOKEN");
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("ELBOW_ADMIN_TOKEN", "t")))
        .hasMessageContaining("ELBOW_DATAPLANE_SERVICE");
  }
}
