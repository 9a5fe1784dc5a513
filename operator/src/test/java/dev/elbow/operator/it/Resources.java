package dev.elbow.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupSpec;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.api.v1alpha1.Member;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;

/** Builders for the custom resources the integration tests apply. */
final class Resources {

  private Resources() {}

  /**
   * Edits a resource, again if the operator wrote its status in between (409 Conflict): an edit is
   * locked to the version it read.
   */
  static <T extends HasMetadata> T editRetrying(
      io.fabric8.kubernetes.client.dsl.Resource<T> resource,
      java.util.function.UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return resource.edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** The API server refuses to create {@code resource} (422), with all these in its message. */
  static void assertRefused(KubernetesClient kube, HasMetadata resource, String... messageParts) {
    assertThatThrownBy(() -> kube.resource(resource).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .message()
        .contains(messageParts);
  }

  static BackendServerGroup group(
      String namespace,
      String name,
      BackendProtocol protocol,
      HealthCheck check,
      List<Member> members) {
    BackendServerGroup group = new BackendServerGroup();
    group.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    BackendServerGroupSpec spec = new BackendServerGroupSpec();
    spec.setProtocol(protocol);
    spec.setMembers(members);
    spec.setHealthCheck(check);
    group.setSpec(spec);
    return group;
  }

  /**
   * An HTTP group of loopback members, weight 1 each, checked on /healthz every 2 s: what the fault
   * and install tests serve.
   */
  static BackendServerGroup loopbackHttpGroup(String namespace, String name, int... ports) {
    return group(
        namespace,
        name,
        BackendProtocol.HTTP,
        check(2, 1, 2, 2, "/healthz"),
        java.util.Arrays.stream(ports).mapToObj(p -> new Member("127.0.0.1", p, 1)).toList());
  }

  static HealthCheck check(int interval, int timeout, int healthy, int unhealthy, String path) {
    HealthCheck check = new HealthCheck();
    check.setIntervalSeconds(interval);
    check.setTimeoutSeconds(timeout);
    check.setHealthyThreshold(healthy);
    check.setUnhealthyThreshold(unhealthy);
    check.setPath(path);
    return check;
  }

  static Listener listener(
      String namespace, String name, ListenerProtocol protocol, int port, String group) {
    Listener listener = new Listener();
    listener.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    listener.setSpec(new ListenerSpec(protocol, port, group));
    return listener;
  }

  static Optional<Condition> condition(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
