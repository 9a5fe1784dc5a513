package dev.elbow.operator.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;

/**
 * A namespaced resource's identity, written {@code namespace/name} in snapshots and messages.
 *
 * @param namespace the resource's namespace
 * @param name the resource's name
 */
public record ResourceKey(String namespace, String name) implements Comparable<ResourceKey> {

  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::namespace).thenComparing(ResourceKey::name);

  public static ResourceKey of(HasMetadata resource) {
    return new ResourceKey(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
  }

  @Override
  public int compareTo(ResourceKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
