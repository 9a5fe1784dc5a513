package dev.elbow.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRD YAML committed under {@code crds/} must be exactly what the build generates from the Java
 * types, or {@code kubectl apply -f crds/} would install a schema the operator does not expect. The
 * Helm chart's {@code helm/elbow/files/crds/} holds the same files (rendered by its template {@code
 * crds.yaml}, so {@code helm upgrade} upgrades them). Refresh both with {@code ./mvnw -pl crds test
 * -Delbow.crds.update=true}.
 */
class CrdYamlIsCurrentTest {

  private static final Path GENERATED = Path.of(System.getProperty("elbow.crds.generated"));
  private static final Path COMMITTED = Path.of(System.getProperty("elbow.crds.committed"));
  private static final Path CHART = COMMITTED.resolveSibling("helm/elbow/files/crds");

  @ParameterizedTest
  @ValueSource(strings = {"backendservergroups", "listeners"})
  void committedYamlMatchesTheGeneratedOne(String plural) throws IOException {
    String crd = plural + "." + Api.GROUP;
    String generated = Files.readString(GENERATED.resolve(crd + "-v1.yml"));
    Path committed = COMMITTED.resolve(crd + ".yaml");
    Path inChart = CHART.resolve(crd + ".yaml");
    if (Boolean.getBoolean("elbow.crds.update")) {
      Files.writeString(committed, generated);
      Files.createDirectories(CHART);
      Files.writeString(inChart, generated);
    }
    assertThat(committed)
        .as("crds/%s.yaml is stale; run ./mvnw -pl crds test -Delbow.crds.update=true", crd)
        .exists()
        .hasContent(generated);
    assertThat(inChart)
        .as(
            "helm/elbow/files/crds/%s.yaml is stale; run ./mvnw -pl crds test -Delbow.crds.update=true",
            crd)
        .exists()
        .hasContent(generated);
  }
}
