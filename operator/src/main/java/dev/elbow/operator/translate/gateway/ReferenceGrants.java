package dev.elbow.operator.translate.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantTo;
import java.util.List;
import java.util.Objects;

/**
 * Whether a reference across namespaces is allowed: Gateway API lets an object refer to one in
 * another namespace only when a ReferenceGrant in the target's namespace says so, naming the kind
 * (and group) it comes from, that namespace, and the kind (and optionally the name) it may reach.
 */
final class ReferenceGrants {

  private final List<ReferenceGrant> grants;

  ReferenceGrants(List<ReferenceGrant> grants) {
    this.grants = grants;
  }

  /**
   * @param fromGroup the referring object's API group ("" for the core group)
   * @param toGroup the target's API group ("" for the core group)
   */
  boolean allows(
      String fromGroup,
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String toNamespace,
      String toName) {
    if (fromNamespace.equals(toNamespace)) {
      return true;
    }
    for (ReferenceGrant grant : grants) {
      if (grant.getSpec() == null
          || !toNamespace.equals(grant.getMetadata().getNamespace())
          || grant.getSpec().getFrom() == null
          || grant.getSpec().getTo() == null) {
        continue;
      }
      boolean from =
          grant.getSpec().getFrom().stream()
              .anyMatch(f -> matches(f, fromGroup, fromKind, fromNamespace));
      boolean to =
          grant.getSpec().getTo().stream().anyMatch(t -> matches(t, toGroup, toKind, toName));
      if (from && to) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(ReferenceGrantFrom from, String group, String kind, String ns) {
    return Objects.requireNonNullElse(from.getGroup(), "").equals(group)
        && kind.equals(from.getKind())
        && ns.equals(from.getNamespace());
  }

  private static boolean matches(ReferenceGrantTo to, String group, String kind, String name) {
    return Objects.requireNonNullElse(to.getGroup(), "").equals(group)
        && kind.equals(to.getKind())
        && (to.getName() == null || to.getName().isEmpty() || to.getName().equals(name));
  }
}
