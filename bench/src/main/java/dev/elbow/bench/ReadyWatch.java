package dev.elbow.bench;

import dev.elbow.api.v1alpha1.ConditionedStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the resources of one kind in a namespace whose {@code Ready} condition is True, from a
 * watch. Polling with lists instead would have the API server serialize every object of the fleet
 * (tens of MB) each time, and that load would slow the very status writes being timed.
 */
final class ReadyWatch<R extends CustomResource<?, ? extends ConditionedStatus>>
    implements AutoCloseable {

  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final SharedIndexInformer<R> informer;

  ReadyWatch(KubernetesClient kube, Class<R> kind, String namespace) {
    informer =
        kube.resources(kind)
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(R resource) {
                    note(resource);
                  }

                  @Override
                  public void onUpdate(R old, R resource) {
                    note(resource);
                  }

                  @Override
                  public void onDelete(R resource, boolean unknownFinalState) {
                    ready.remove(resource.getMetadata().getName());
                  }
                });
  }

  private void note(R resource) {
    List<Condition> conditions =
        resource.getStatus() == null ? null : resource.getStatus().getConditions();
    boolean isReady =
        conditions != null
            && conditions.stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (isReady) {
      ready.add(resource.getMetadata().getName());
    } else {
      ready.remove(resource.getMetadata().getName());
    }
  }

  int ready() {
    return ready.size();
  }

  @Override
  public void close() {
    informer.close();
  }
}
