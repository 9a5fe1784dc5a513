package dev.elbow.operator.expose;

import dev.elbow.snapshot.ListenerConfig;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Service that clients reach the data planes through in step with the Listeners: one port
 * per Listener port, applied server-side as the field manager {@value #MANAGER}. The Service copies
 * its pod selector from the data planes' admin Service (which the Helm chart creates) and is owned
 * by it, so it is garbage-collected with the release.
 *
 * <p>Until some Listener is served there is no Service (it would need a port). When the last
 * Listener goes the Service keeps its last ports rather than being deleted, so that a cloud load
 * balancer keeps its address; nothing listens on those ports, and connections to them are refused.
 */
public final class TrafficService {

  static final String MANAGER = "elbow-operator";
  private static final Logger log = LoggerFactory.getLogger(TrafficService.class);
  private static final long RETRY_SECONDS = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final String adminService;
  private final TrafficServiceSpec spec;
  private final Executor writes;

  // Confined to the writes executor.
  private List<ServicePort> applied;
  private List<ServicePort> wanted;
  private boolean retryScheduled;

  /**
   * @param namespace namespace of the admin Service, where the traffic Service goes
   * @param adminService name of the data planes' admin Service
   * @param writes the single thread that writes to the API server
   */
  public TrafficService(
      KubernetesClient client,
      String namespace,
      String adminService,
      TrafficServiceSpec spec,
      Executor writes) {
    this.client = client;
    this.namespace = namespace;
    this.adminService = adminService;
    this.spec = spec;
    this.writes = writes;
  }

  /** Follows the listeners of a new snapshot; returns at once, the write happens on its thread. */
  public void follow(List<ListenerConfig> listeners) {
    List<ServicePort> ports = TrafficServicePorts.of(listeners);
    writes.execute(
        () -> {
          wanted = ports;
          apply();
        });
  }

  private void apply() {
    if (wanted == null || wanted.isEmpty() || wanted.equals(applied)) {
      return;
    }
    try {
      Service admin = client.services().inNamespace(namespace).withName(adminService).get();
      if (admin == null) {
        throw new IllegalStateException(
            "the data planes' admin Service " + namespace + "/" + adminService + " is missing");
      }
      client
          .services()
          .inNamespace(namespace)
          .resource(desired(admin, wanted))
          .fieldManager(MANAGER)
          .forceConflicts()
          .serverSideApply();
      applied = wanted;
      log.info("Service {}/{} has ports {}", namespace, spec.name(), describe(wanted));
    } catch (RuntimeException e) {
      log.warn(
          "cannot apply Service {}/{}, retrying in {} s: {}",
          namespace,
          spec.name(),
          RETRY_SECONDS,
          e.toString());
      if (!retryScheduled) {
        retryScheduled = true;
        CompletableFuture.delayedExecutor(RETRY_SECONDS, TimeUnit.SECONDS, writes)
            .execute(
                () -> {
                  retryScheduled = false;
                  apply();
                });
      }
    }
  }

  private Service desired(Service admin, List<ServicePort> ports) {
    boolean external = !spec.type().equals("ClusterIP");
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(spec.name())
        .withNamespace(namespace)
        .withLabels(admin.getMetadata().getLabels())
        .withAnnotations(spec.annotations())
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Service")
                .withName(admin.getMetadata().getName())
                .withUid(admin.getMetadata().getUid())
                .build())
        .endMetadata()
        .withNewSpec()
        .withType(spec.type())
        .withSelector(admin.getSpec().getSelector())
        .withPorts(ports)
        .withExternalTrafficPolicy(external ? spec.externalTrafficPolicy() : null)
        .endSpec()
        .build();
  }

  private static String describe(List<ServicePort> ports) {
    return ports.stream().map(ServicePort::getName).toList().toString();
  }
}
