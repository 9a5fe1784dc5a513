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

  /** The key written {@code namespace/name}, as snapshots name resources. */
  public static ResourceKey parse(String namespacedName) {
    int slash = namespacedName.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("not namespace/name: " + namespacedName);
    }
    return new ResourceKey(namespacedName.substring(0, slash), namespacedName.substring(slash + 1));
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
