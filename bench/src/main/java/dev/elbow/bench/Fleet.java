package dev.elbow.bench;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupSpec;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.api.v1alpha1.Member;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;

/** Generated resources for scale benchmarks: many groups of many members, a listener each. */
final class Fleet {

  private Fleet() {}

  /** Group {@code index} of namespace {@code ns}: TCP, health checks off, members 10.x.y.z:80. */
  static BackendServerGroup group(String ns, int index, int members) {
    BackendServerGroup group = new BackendServerGroup();
    group.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName("g" + index)
            .withGeneration(1L)
            .withUid("uid-g" + index)
            .withCreationTimestamp("2026-11-25T10:00:00Z")
            .build());
    BackendServerGroupSpec spec = new BackendServerGroupSpec();
    spec.setProtocol(BackendProtocol.TCP);
    HealthCheck off = new HealthCheck();
    off.setEnabled(false);
    spec.setHealthCheck(off);
    List<Member> list = new ArrayList<>(members);
    for (int m = 0; m < members; m++) {
      list.add(new Member("10." + (index / 250) + "." + (index % 250) + "." + (m + 1), 80, 1));
    }
    spec.setMembers(list);
    group.setSpec(spec);
    return group;
  }

  /** Listener {@code index}: TCP on {@code basePort + index}, to group {@code index}. */
  static Listener listener(String ns, int index, int basePort) {
    Listener listener = new Listener();
    listener.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName("l" + index)
            .withGeneration(1L)
            .withUid("uid-l" + index)
            .withCreationTimestamp("2026-11-25T10:00:00Z")
            .build());
    listener.setSpec(new ListenerSpec(ListenerProtocol.TCP, basePort + index, "g" + index));
    return listener;
  }
}
