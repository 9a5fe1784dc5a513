package dev.elbow.operator;

import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.SecretData;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Caches of what listeners and groups refer to in the watched namespaces: Secrets and ConfigMaps
 * (certificates and CA bundles), Services and their EndpointSlices, and Pods (members). Any change
 * to one asks for a sync, so a renewed certificate or a pod becoming ready reaches the data planes
 * as fast as a changed listener does.
 */
final class ReferencedResources implements AutoCloseable {

  private final List<SharedIndexInformer<Secret>> secrets = new ArrayList<>();
  private final List<SharedIndexInformer<ConfigMap>> configMaps = new ArrayList<>();
  private final List<SharedIndexInformer<Service>> services = new ArrayList<>();
  private final List<SharedIndexInformer<EndpointSlice>> endpointSlices = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> pods = new ArrayList<>();

  /** The index of EndpointSlices by {@code namespace/service}. */
  private static final String BY_SERVICE = "service";

  /**
   * Starts the informers and waits until their caches are filled.
   *
   * @param namespaces the namespaces to watch; empty means all
   * @param changed called on every change after the caches are filled
   */
  ReferencedResources(KubernetesClient client, Set<String> namespaces, Runnable changed) {
    ResourceEventHandler<HasMetadata> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(HasMetadata resource) {
            changed.run();
          }

          @Override
          public void onUpdate(HasMetadata before, HasMetadata after) {
            changed.run();
          }

          @Override
          public void onDelete(HasMetadata resource, boolean finalStateUnknown) {
            changed.run();
          }
        };
    if (namespaces.isEmpty()) {
      secrets.add(client.secrets().inAnyNamespace().runnableInformer(0));
      configMaps.add(client.configMaps().inAnyNamespace().runnableInformer(0));
      services.add(client.services().inAnyNamespace().runnableInformer(0));
      endpointSlices.add(
          client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
      pods.add(client.pods().inAnyNamespace().runnableInformer(0));
    } else {
      for (String namespace : namespaces) {
        secrets.add(client.secrets().inNamespace(namespace).runnableInformer(0));
        configMaps.add(client.configMaps().inNamespace(namespace).runnableInformer(0));
        services.add(client.services().inNamespace(namespace).runnableInformer(0));
        endpointSlices.add(
            client.discovery().v1().endpointSlices().inNamespace(namespace).runnableInformer(0));
        pods.add(client.pods().inNamespace(namespace).runnableInformer(0));
      }
    }
    for (SharedIndexInformer<EndpointSlice> informer : endpointSlices) {
      informer.addIndexers(Map.of(BY_SERVICE, ReferencedResources::serviceOf));
    }
    List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>(secrets);
    all.addAll(configMaps);
    all.addAll(services);
    all.addAll(endpointSlices);
    all.addAll(pods);
    for (SharedIndexInformer<? extends HasMetadata> informer : all) {
      @SuppressWarnings("unchecked")
      SharedIndexInformer<HasMetadata> typed = (SharedIndexInformer<HasMetadata>) informer;
      typed.addEventHandler(handler);
      try {
        typed.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(
            "cannot list Secrets, ConfigMaps, Services, EndpointSlices or Pods: " + e.getMessage(),
            e);
      }
    }
  }

  /** The Secret's data decoded to text, or null. */
  Map<String, String> secret(ResourceKey key) {
    for (SharedIndexInformer<Secret> informer : secrets) {
      Secret secret = informer.getStore().getByKey(key.namespace() + "/" + key.name());
      if (secret != null) {
        return SecretData.of(secret);
      }
    }
    return null;
  }

  /** The ConfigMap's data, or null. */
  Map<String, String> configMap(ResourceKey key) {
    for (SharedIndexInformer<ConfigMap> informer : configMaps) {
      ConfigMap map = informer.getStore().getByKey(key.namespace() + "/" + key.name());
      if (map != null) {
        return map.getData() == null ? Map.of() : map.getData();
      }
    }
    return null;
  }

  /** The Service, or null. */
  Service service(ResourceKey key) {
    for (SharedIndexInformer<Service> informer : services) {
      Service service = informer.getStore().getByKey(key.namespace() + "/" + key.name());
      if (service != null) {
        return service;
      }
    }
    return null;
  }

  /** The EndpointSlices of a Service ({@code kubernetes.io/service-name}), possibly none. */
  List<EndpointSlice> endpointSlices(ResourceKey service) {
    List<EndpointSlice> slices = new ArrayList<>();
    for (SharedIndexInformer<EndpointSlice> informer : endpointSlices) {
      slices.addAll(informer.getIndexer().byIndex(BY_SERVICE, service.toString()));
    }
    return slices;
  }

  /** The pods of a namespace, possibly none. */
  List<Pod> pods(String namespace) {
    List<Pod> found = new ArrayList<>();
    for (SharedIndexInformer<Pod> informer : pods) {
      found.addAll(informer.getIndexer().byIndex("namespace", namespace));
    }
    return found;
  }

  private static List<String> serviceOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get("kubernetes.io/service-name");
    return service == null
        ? List.of()
        : List.of(slice.getMetadata().getNamespace() + "/" + service);
  }

  @Override
  public void close() {
    secrets.forEach(SharedIndexInformer::close);
    configMaps.forEach(SharedIndexInformer::close);
    services.forEach(SharedIndexInformer::close);
    endpointSlices.forEach(SharedIndexInformer::close);
    pods.forEach(SharedIndexInformer::close);
  }
}
