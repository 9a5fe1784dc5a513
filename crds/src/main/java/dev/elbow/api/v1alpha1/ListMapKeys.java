package dev.elbow.api.v1alpha1;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a list of a spec as a Kubernetes "map list": its items are identified by these keys, so the
 * API server refuses two items with the same keys (naming the duplicate) and server-side apply
 * merges the list item by item. The CRD generator has no annotation for this; the build's
 * GenerateCrds adds {@code x-kubernetes-list-type: map} wherever this appears.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ListMapKeys {
  /** The item fields that together identify an item; each must be required. */
  String[] value();
}
