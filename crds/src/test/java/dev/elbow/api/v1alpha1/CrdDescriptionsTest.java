package dev.elbow.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl explain} teaches the API: every field of both CRDs, spec and status, down to the
 * leaves, has a description, and the kinds have short names, the {@code elbow} category and printer
 * columns.
 */
class CrdDescriptionsTest {

  private static final Path COMMITTED = Path.of(System.getProperty("elbow.crds.committed"));

  @ParameterizedTest
  @ValueSource(strings = {"backendservergroups", "listeners"})
  void everyFieldIsDescribed(String plural) throws IOException {
    JsonNode crd =
        new ObjectMapper(new YAMLFactory())
            .readTree(COMMITTED.resolve(plural + "." + Api.GROUP + ".yaml").toFile());
    JsonNode version = crd.at("/spec/versions/0");
    List<String> undescribed = new ArrayList<>();
    List<String> described = new ArrayList<>();
    JsonNode root = version.at("/schema/openAPIV3Schema/properties");
    for (String top : List.of("spec", "status")) {
      walk(top, root.get(top), undescribed, described);
    }
    assertThat(undescribed).as("fields without a description").isEmpty();
    assertThat(described).hasSizeGreaterThan(5);
    assertThat(crd.at("/spec/names/categories").toString()).contains("elbow");
    assertThat(crd.at("/spec/names/shortNames").size()).isPositive();
    assertThat(version.at("/additionalPrinterColumns").size()).isGreaterThanOrEqualTo(3);
  }

  private static void walk(
      String path, JsonNode schema, List<String> undescribed, List<String> described) {
    if (schema.path("description").asText().isBlank()) {
      undescribed.add(path);
    } else {
      described.add(path);
    }
    JsonNode properties =
        schema.has("items") ? schema.get("items").path("properties") : schema.path("properties");
    for (Map.Entry<String, JsonNode> field : properties.properties()) {
      walk(path + "." + field.getKey(), field.getValue(), undescribed, described);
    }
  }
}
