package dev.elbow.operator.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.translate.gateway.GatewayInputs;
import dev.elbow.operator.translate.gateway.GatewayTranslation;
import dev.elbow.snapshot.SnapshotJson;
import dev.elbow.snapshot.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the translator over {@code translation/CASE/input.yaml} and compares the snapshot and the
 * verdicts with {@code snapshot.json} and {@code verdicts.json} beside it. After a deliberate
 * change, refresh the expected files with {@code -Delbow.fixtures.update=true} and review the diff.
 */
class TranslatorFixtureTest {

  private static final Path FIXTURES = Path.of("src/test/resources/translation");
  private static final Pattern KIND = Pattern.compile("(?m)^kind: (\\w+)\\s*$");
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
        "forwarding-rules",
        "gateway-http",
        "gateway-refusals"
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
    List<GatewayClass> classes = new ArrayList<>();
    List<Gateway> gateways = new ArrayList<>();
    List<HTTPRoute> routes = new ArrayList<>();
    List<ReferenceGrant> grants = new ArrayList<>();
    Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    for (String document : input.split("(?m)^---$")) {
      Matcher kind = KIND.matcher(document);
      if (!kind.find()) {
        continue;
      }
      switch (kind.group(1)) {
        case "Secret" -> {
          Secret secret = Serialization.unmarshal(document, Secret.class);
          secrets.put(ResourceKey.of(secret), secret.getStringData());
        }
        case "ConfigMap" -> {
          ConfigMap map = Serialization.unmarshal(document, ConfigMap.class);
          configMaps.put(ResourceKey.of(map), map.getData());
        }
        case "Service" -> {
          Service service = Serialization.unmarshal(document, Service.class);
          services.put(ResourceKey.of(service), service);
        }
        case "Pod" -> {
          Pod pod = Serialization.unmarshal(document, Pod.class);
          pods.computeIfAbsent(pod.getMetadata().getNamespace(), k -> new ArrayList<>()).add(pod);
        }
        case "EndpointSlice" -> {
          EndpointSlice slice = Serialization.unmarshal(document, EndpointSlice.class);
          ResourceKey service =
              new ResourceKey(
                  slice.getMetadata().getNamespace(),
                  slice.getMetadata().getLabels().get("kubernetes.io/service-name"));
          slices.computeIfAbsent(service, k -> new ArrayList<>()).add(slice);
        }
        case "BackendServerGroup" ->
            groups.add(Serialization.unmarshal(document, BackendServerGroup.class));
        case "Listener" -> listeners.add(Serialization.unmarshal(document, Listener.class));
        case "GatewayClass" -> classes.add(Serialization.unmarshal(document, GatewayClass.class));
        case "Gateway" -> gateways.add(Serialization.unmarshal(document, Gateway.class));
        case "HTTPRoute" -> routes.add(Serialization.unmarshal(document, HTTPRoute.class));
        case "ReferenceGrant" ->
            grants.add(Serialization.unmarshal(document, ReferenceGrant.class));
        case "Namespace" -> {
          Namespace namespace = Serialization.unmarshal(document, Namespace.class);
          namespaceLabels.put(
              namespace.getMetadata().getName(), namespace.getMetadata().getLabels());
        }
        default -> throw new IllegalArgumentException("fixture has a " + kind.group(1));
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
                n -> pods.getOrDefault(n, List.of())),
            new GatewayInputs(
                classes, gateways, routes, grants, n -> namespaceLabels.getOrDefault(n, Map.of())));

    JsonNode snapshot =
        JSON.readTree(
            namingTestCertificates(
                new String(SnapshotJson.toBytes(translation.snapshot()), StandardCharsets.UTF_8)));
    // Through text, so numbers compare as the JSON they are, not as Java ints and longs.
    Map<String, Object> both = new LinkedHashMap<>();
    both.put("groups", stringKeys(translation.groups()));
    both.put("listeners", stringKeys(translation.listeners()));
    if (!translation.gateway().equals(GatewayTranslation.NONE)) {
      GatewayTranslation gateway = translation.gateway();
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("classes", new TreeMap<>(gateway.classes()));
      status.put("gateways", new TreeMap<>(stringKeys(gateway.gateways())));
      status.put("httpRoutes", new TreeMap<>(stringKeys(gateway.httpRoutes())));
      both.put("gatewayApi", status);
    }
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

  private static <T> Map<String, T> stringKeys(Map<ResourceKey, T> judged) {
    Map<String, T> out = new TreeMap<>();
    judged.forEach((key, value) -> out.put(key.toString(), value));
    return out;
  }
}
