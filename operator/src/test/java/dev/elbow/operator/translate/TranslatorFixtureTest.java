package dev.elbow.operator.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.snapshot.SnapshotJson;
import dev.elbow.snapshot.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the translator over {@code translation/CASE/input.yaml} and compares the snapshot and the
 * verdicts with {@code snapshot.json} and {@code verdicts.json} beside it. After a deliberate
 * change, refresh the expected files with {@code -Delbow.fixtures.update=true} and review the diff.
 */
class TranslatorFixtureTest {

  private static final Path FIXTURES = Path.of("src/test/resources/translation");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "accepted",
        "listener-verdicts",
        "group-verdicts",
        "udp-and-quic",
        "https",
        "traffic-policy",
        "service-members",
        "proxy-protocol",
        "grpc",
        "forwarding-rules"
      })
  void translatesAsTheFixtureSays(String fixture) throws IOException {
    Path dir = FIXTURES.resolve(fixture);
    List<BackendServerGroup> groups = new ArrayList<>();
    List<Listener> listeners = new ArrayList<>();
    Map<ResourceKey, Map<String, String>> secrets = new HashMap<>();
    Map<ResourceKey, Map<String, String>> configMaps = new HashMap<>();
    Map<ResourceKey, Service> services = new HashMap<>();
    Map<ResourceKey, List<EndpointSlice>> slices = new HashMap<>();
    Map<String, List<Pod>> pods = new HashMap<>();
    String input = withTestCertificates(Files.readString(dir.resolve("input.yaml")));
    for (String document : input.split("(?m)^---$")) {
      if (document.contains("kind: Secret")) {
        Secret secret = Serialization.unmarshal(document, Secret.class);
        secrets.put(ResourceKey.of(secret), secret.getStringData());
      } else if (document.contains("kind: ConfigMap")) {
        ConfigMap map = Serialization.unmarshal(document, ConfigMap.class);
        configMaps.put(ResourceKey.of(map), map.getData());
      } else if (document.contains("kind: Service\n")) {
        Service service = Serialization.unmarshal(document, Service.class);
        services.put(ResourceKey.of(service), service);
      } else if (document.contains("kind: Pod\n")) {
        Pod pod = Serialization.unmarshal(document, Pod.class);
        pods.computeIfAbsent(pod.getMetadata().getNamespace(), k -> new ArrayList<>()).add(pod);
      } else if (document.contains("kind: EndpointSlice")) {
        EndpointSlice slice = Serialization.unmarshal(document, EndpointSlice.class);
        ResourceKey service =
            new ResourceKey(
                slice.getMetadata().getNamespace(),
                slice.getMetadata().getLabels().get("kubernetes.io/service-name"));
        slices.computeIfAbsent(service, k -> new ArrayList<>()).add(slice);
      } else if (document.contains("kind: BackendServerGroup")) {
        groups.add(Serialization.unmarshal(document, BackendServerGroup.class));
      } else if (document.contains("kind: Listener")) {
        listeners.add(Serialization.unmarshal(document, Listener.class));
      }
    }

    Translation translation =
        Translator.translate(
            groups,
            listeners,
            new References(
                secrets::get,
                configMaps::get,
                k -> List.of(),
                services::get,
                k -> slices.getOrDefault(k, List.of()),
                n -> pods.getOrDefault(n, List.of())));

    JsonNode snapshot =
        JSON.readTree(
            namingTestCertificates(
                new String(SnapshotJson.toBytes(translation.snapshot()), StandardCharsets.UTF_8)));
    // Through text, so numbers compare as the JSON they are, not as Java ints and longs.
    Map<String, Object> both = new LinkedHashMap<>();
    both.put("groups", stringKeys(translation.groups()));
    both.put("listeners", stringKeys(translation.listeners()));
    // Through text, so numbers compare as the JSON they are, not as Java ints and longs.
    JsonNode verdicts = JSON.readTree(JSON.writeValueAsString(both));
    if (Boolean.getBoolean("elbow.fixtures.update")) {
      Files.writeString(dir.resolve("snapshot.json"), JSON.writeValueAsString(snapshot) + "\n");
      Files.writeString(dir.resolve("verdicts.json"), JSON.writeValueAsString(verdicts) + "\n");
    }
    assertThat(snapshot).isEqualTo(JSON.readTree(dir.resolve("snapshot.json").toFile()));
    assertThat(verdicts).isEqualTo(JSON.readTree(dir.resolve("verdicts.json").toFile()));
  }

  private static final List<String> TEST_FILES =
      List.of(
          "default.crt",
          "default.key",
          "default-pkcs1.key",
          "api.crt",
          "api.key",
          "ca.crt",
          "backend.crt",
          "backend.key",
          "other-ca.crt");

  /** Replaces {@code "@tls/NAME@"} with the test file, as a YAML string. */
  private static String withTestCertificates(String yaml) throws IOException {
    for (String file : TEST_FILES) {
      yaml =
          yaml.replace(
              "\"@tls/" + file + "@\"", JSON.writeValueAsString(TestCertificates.pem(file)));
    }
    return yaml;
  }

  /** Puts the test files' names back in place of their contents, so fixtures stay readable. */
  private static String namingTestCertificates(String json) throws IOException {
    for (String file : TEST_FILES) {
      String quoted = JSON.writeValueAsString(TestCertificates.pem(file));
      json = json.replace(quoted, "\"@tls/" + file + "@\"");
    }
    return json;
  }

  private static Map<String, Judged> stringKeys(Map<ResourceKey, Judged> judged) {
    Map<String, Judged> out = new TreeMap<>();
    judged.forEach((key, value) -> out.put(key.toString(), value));
    return out;
  }
}
