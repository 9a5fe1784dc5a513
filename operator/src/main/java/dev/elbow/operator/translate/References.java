package dev.elbow.operator.translate;

import dev.elbow.snapshot.TlsCertificate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What translation reads besides the two Elbow kinds: Secrets and ConfigMaps that listeners and
 * groups name, and the certificates each HTTPS listener last served with. Lookups, so the
 * translation stays a pure function: the operator backs them with informer caches, tests with maps.
 *
 * @param secrets the data of a Secret, decoded to text, or null if there is no such Secret
 * @param configMaps the data of a ConfigMap, or null if there is no such ConfigMap
 * @param lastGood the certificates a listener was last pushed with, or an empty list; a listener
 *     whose Secret turns bad keeps serving these, so a botched renewal does not take a site down
 * @param services a Service, or null if there is no such Service
 * @param endpointSlices the EndpointSlices of a Service, by the Service's key; possibly none
 * @param pods the pods of a namespace; possibly none
 */
public record References(
    Function<ResourceKey, Map<String, String>> secrets,
    Function<ResourceKey, Map<String, String>> configMaps,
    Function<ResourceKey, List<TlsCertificate>> lastGood,
    Function<ResourceKey, Service> services,
    Function<ResourceKey, List<EndpointSlice>> endpointSlices,
    Function<String, List<Pod>> pods) {

  /** Nothing: no Secrets, no ConfigMaps, no Services, nothing served before. */
  public static final References NONE = new References(k -> null, k -> null, k -> List.of());

  /** References without Services. */
  public References(
      Function<ResourceKey, Map<String, String>> secrets,
      Function<ResourceKey, Map<String, String>> configMaps,
      Function<ResourceKey, List<TlsCertificate>> lastGood) {
    this(secrets, configMaps, lastGood, k -> null, k -> List.of(), n -> List.of());
  }

  /** References without Pods. */
  public References(
      Function<ResourceKey, Map<String, String>> secrets,
      Function<ResourceKey, Map<String, String>> configMaps,
      Function<ResourceKey, List<TlsCertificate>> lastGood,
      Function<ResourceKey, Service> services,
      Function<ResourceKey, List<EndpointSlice>> endpointSlices) {
    this(secrets, configMaps, lastGood, services, endpointSlices, n -> List.of());
  }

  public List<Pod> pods(String namespace) {
    return pods.apply(namespace);
  }

  public Service service(ResourceKey key) {
    return services.apply(key);
  }

  public List<EndpointSlice> endpointSlices(ResourceKey service) {
    return endpointSlices.apply(service);
  }

  public Map<String, String> secret(ResourceKey key) {
    return secrets.apply(key);
  }

  public Map<String, String> configMap(ResourceKey key) {
    return configMaps.apply(key);
  }

  public List<TlsCertificate> lastGoodCertificates(ResourceKey listener) {
    return lastGood.apply(listener);
  }
}
