package dev.elbow.operator;

import dev.elbow.operator.translate.ReadinessGate;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the {@link ReadinessGate} condition of member pods that declare it: True once every data
 * plane finds the pod's member healthy, False while one finds it unhealthy. Pods are found by their
 * IP, the members' address. Runs after each published view; writes go to an executor of their own.
 */
final class PodReadinessGates {

  private static final Logger log = LoggerFactory.getLogger(PodReadinessGates.class);
  private static final long REWRITE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final KubernetesClient client;
  private final Executor io;
  private final Clock clock;
  // Pod UID to the status last written and when, so a write in flight is not repeated at once.
  private final Map<String, Long> written = new HashMap<>();

  PodReadinessGates(KubernetesClient client, Executor io, Clock clock) {
    this.client = client;
    this.io = io;
    this.clock = clock;
  }

  /**
   * Brings the gate of every gated member pod in line with its member's health.
   *
   * @param health member health by group ({@code namespace/name}), then {@code address:port}
   */
  void update(Map<String, Map<String, MemberHealth>> health, ReferencedResources pods) {
    if (pods == null) {
      return;
    }
    long now = System.nanoTime();
    if (written.size() > 10_000) {
      written.clear(); // only a guard against repeats; forgetting it costs one write
    }
    // One verdict per pod, over all its members (a pod may serve several groups or ports): True
    // only when every one is healthy on every data plane, False when any is unhealthy.
    Map<String, List<MemberHealth>> byAddress = new HashMap<>();
    Map<String, String> namespaceOf = new HashMap<>();
    health.forEach(
        (group, members) -> {
          String namespace = group.substring(0, group.indexOf('/'));
          for (MemberHealth member : members.values()) {
            byAddress
                .computeIfAbsent(namespace + " " + member.address(), k -> new ArrayList<>())
                .add(member);
            namespaceOf.put(namespace + " " + member.address(), namespace);
          }
        });
    Map<String, List<Pod>> gatedByNamespace = new HashMap<>();
    byAddress.forEach(
        (key, members) -> {
          String namespace = namespaceOf.get(key);
          List<Pod> gated =
              gatedByNamespace.computeIfAbsent(
                  namespace,
                  n ->
                      pods.pods(n).stream()
                          .filter(ReadinessGate::declares)
                          .filter(PodReadinessGates::live)
                          .toList());
          String wanted = verdict(members);
          if (wanted == null) {
            return;
          }
          MemberHealth first = members.get(0);
          for (Pod pod : gated) {
            if (first.address().equals(pod.getStatus().getPodIP())
                && !wanted.equals(ReadinessGate.condition(pod, ReadinessGate.CONDITION))) {
              MemberHealth telling =
                  members.stream()
                      .filter(m -> m.state() == HealthState.UNHEALTHY)
                      .findFirst()
                      .orElse(first);
              write(pod, wanted, telling, now);
            }
          }
        });
  }

  /** True when every member is healthy, False when one is unhealthy, else null (wait). */
  private static String verdict(List<MemberHealth> members) {
    if (members.stream().anyMatch(m -> m.state() == HealthState.UNHEALTHY)) {
      return "False";
    }
    return members.stream().allMatch(m -> m.state() == HealthState.HEALTHY) ? "True" : null;
  }

  /** A pod with its own IP that is still running: not host-network, not finished. */
  private static boolean live(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
      return false;
    }
    String phase = pod.getStatus().getPhase();
    boolean hostNetwork =
        pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    return !hostNetwork && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private void write(Pod pod, String status, MemberHealth member, long now) {
    String key = pod.getMetadata().getUid() + " " + status;
    Long last = written.get(key);
    if (last != null && now - last < REWRITE_AFTER_NANOS) {
      return;
    }
    written.put(key, now);
    PodCondition condition =
        new PodConditionBuilder()
            .withType(ReadinessGate.CONDITION)
            .withStatus(status)
            .withReason(status.equals("True") ? "MemberHealthy" : "MemberUnhealthy")
            .withMessage(
                member.address()
                    + ":"
                    + member.port()
                    + (status.equals("True")
                        ? " is healthy on every data plane"
                        : " is unhealthy: " + Objects.requireNonNullElse(member.reason(), "")))
            .withLastTransitionTime(clock.instant().toString())
            .build();
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    io.execute(
        () -> {
          try {
            client
                .pods()
                .inNamespace(namespace)
                .withName(name)
                .editStatus(
                    p -> {
                      List<PodCondition> conditions =
                          new ArrayList<>(
                              Objects.requireNonNullElse(
                                  p.getStatus().getConditions(), List.<PodCondition>of()));
                      conditions.removeIf(c -> ReadinessGate.CONDITION.equals(c.getType()));
                      conditions.add(condition);
                      p.getStatus().setConditions(conditions);
                      return p;
                    });
          } catch (RuntimeException e) {
            log.debug(
                "cannot set the readiness gate of pod {}/{}: {}", namespace, name, e.toString());
          }
        });
  }
}
