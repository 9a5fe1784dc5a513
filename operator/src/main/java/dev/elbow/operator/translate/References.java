package dev.elbow.operator.translate;

import dev.elbow.snapshot.TlsCertificate;
import java.util.List;
import java.util.Map;

/**
 * What translation reads besides the two Elbow kinds: Secrets and ConfigMaps that listeners and
 * groups name, and the certificates each HTTPS listener last served with. An interface, so the
 * translation stays a pure function: the operator backs it with informer caches, tests with maps.
 */
public interface References {

  /** Nothing: no Secrets, no ConfigMaps, nothing served before. */
  References NONE = new MapReferences(Map.of(), Map.of(), Map.of());

  /** The data of a Secret, decoded to text, or null if there is no such Secret. */
  Map<String, String> secret(ResourceKey key);

  /** The data of a ConfigMap, or null if there is no such ConfigMap. */
  Map<String, String> configMap(ResourceKey key);

  /**
   * The certificates the listener was last pushed with, or an empty list. A listener whose Secret
   * turns bad keeps serving these, so a botched renewal does not take a site down.
   */
  List<TlsCertificate> lastGoodCertificates(ResourceKey listener);

  /** References backed by maps. */
  record MapReferences(
      Map<ResourceKey, Map<String, String>> secrets,
      Map<ResourceKey, Map<String, String>> configMaps,
      Map<ResourceKey, List<TlsCertificate>> lastGood)
      implements References {

    @Override
    public Map<String, String> secret(ResourceKey key) {
      return secrets.get(key);
    }

    @Override
    public Map<String, String> configMap(ResourceKey key) {
      return configMaps.get(key);
    }

    @Override
    public List<TlsCertificate> lastGoodCertificates(ResourceKey listener) {
      return lastGood.getOrDefault(listener, List.of());
    }
  }
}
