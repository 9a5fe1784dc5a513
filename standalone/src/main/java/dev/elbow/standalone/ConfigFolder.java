package dev.elbow.standalone;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.SecretData;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The resources in a folder of YAML files, as {@code kubectl apply -f DIR} would read them:
 * BackendServerGroups, Listeners, and the Secrets and ConfigMaps they name, several per file
 * ({@code ---}). Objects without a namespace are in {@code default}. Anything else is listed as
 * ignored, and a file that does not parse is reported by name.
 *
 * @param groups the BackendServerGroups
 * @param listeners the Listeners
 * @param secrets the data of each Secret, decoded to text
 * @param configMaps the data of each ConfigMap
 * @param problems one line per file that could not be read, or object that is not used
 * @param unreadable some file could not be parsed (half written, a typo): its resources are missing
 * @param fingerprint a digest of the files' names and contents, to notice a change
 */
record ConfigFolder(
    List<BackendServerGroup> groups,
    List<Listener> listeners,
    Map<ResourceKey, Map<String, String>> secrets,
    Map<ResourceKey, Map<String, String>> configMaps,
    List<String> problems,
    boolean unreadable,
    String fingerprint) {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** What the folder holds now. */
  static ConfigFolder read(Path dir) throws IOException {
    List<BackendServerGroup> groups = new ArrayList<>();
    List<Listener> listeners = new ArrayList<>();
    Map<ResourceKey, Map<String, String>> secrets = new HashMap<>();
    Map<ResourceKey, Map<String, String>> configMaps = new HashMap<>();
    List<String> problems = new ArrayList<>();
    boolean unreadable = false;
    for (Path file : files(dir)) {
      List<HasMetadata> objects;
      try {
        objects = parse(Files.readString(file, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        problems.add(file.getFileName() + ": not valid Kubernetes YAML: " + firstLine(e));
        unreadable = true;
        continue;
      }
      for (HasMetadata object : objects) {
        if (object.getMetadata().getNamespace() == null) {
          object.getMetadata().setNamespace("default");
        }
        // Generation 1 and a UID by name: what the API server would give a new object.
        object.getMetadata().setGeneration(1L);
        object
            .getMetadata()
            .setUid(object.getMetadata().getNamespace() + "/" + object.getMetadata().getName());
        if (object instanceof BackendServerGroup group) {
          groups.add(group);
        } else if (object instanceof Listener listener) {
          if (listener.getMetadata().getCreationTimestamp() == null) {
            listener.getMetadata().setCreationTimestamp("1970-01-01T00:00:00Z");
          }
          listeners.add(listener);
        } else if (object instanceof Secret secret) {
          secrets.put(ResourceKey.of(secret), SecretData.of(secret));
        } else if (object instanceof ConfigMap map) {
          configMaps.put(ResourceKey.of(map), map.getData() == null ? Map.of() : map.getData());
        } else {
          problems.add(
              file.getFileName()
                  + ": "
                  + object.getKind()
                  + " "
                  + object.getMetadata().getName()
                  + " is ignored without Kubernetes");
        }
      }
    }
    return new ConfigFolder(
        groups, listeners, secrets, configMaps, problems, unreadable, fingerprint(dir));
  }

  /** A digest of the YAML files' names and contents: changes when any file does. */
  static String fingerprint(Path dir) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    for (Path file : files(dir)) {
      digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(Files.readAllBytes(file));
      digest.update((byte) 0);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  private static final Pattern KIND = Pattern.compile("(?m)^kind:\\s*[\"']?([A-Za-z]+)");

  private static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.of(
          "BackendServerGroup", BackendServerGroup.class,
          "Listener", Listener.class,
          "Secret", Secret.class,
          "ConfigMap", ConfigMap.class);

  private static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Matcher kind = KIND.matcher(document);
      Class<? extends HasMetadata> type =
          kind.find() ? TYPES.getOrDefault(kind.group(1), GenericKubernetesResource.class) : null;
      if (type == null) {
        throw new IllegalArgumentException("a document without kind");
      }
      objects.add(YAML.unmarshal(document, type));
    }
    return objects;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
