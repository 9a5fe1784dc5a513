package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.editRetrying;
import static dev.elbow.operator.it.Resources.listener;
import static dev.elbow.operator.it.Resources.loopbackHttpGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.Scrape;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.dataplane.testing.TestDataPlane;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator as a process of its own ({@code OperatorMain}, configured as the chart configures
 * it), SIGKILLed while it handles an edit, and, with three replicas elected on a Lease, the leader
 * cut off from the API server while it runs. The data plane serves throughout; only the Lease
 * holder ever advances its version; the partitioned leader's own lost-Lease path ends it.
 */
@Tag("reliability")
class OperatorProcessIT {

  private KubernetesClient kube;
  private String namespace;
  private TestDataPlane dataPlane;
  private DemoBackend a;
  private DemoBackend b;
  private int port;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void serveAGroup() {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace("opproc");
    dataPlane = TestDataPlane.start();
    a = DemoBackend.http("a", 0);
    b = DemoBackend.http("b", 0);
    port = FreePorts.next();
    kube.resource(loopbackHttpGroup(namespace, "web", a.port(), b.port())).create();
    kube.resource(listener(namespace, "web", ListenerProtocol.HTTP, port, "web")).create();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    dataPlane.close();
    a.close();
    b.close();
  }

  private URI apiServer() {
    return URI.create(kube.getConfiguration().getMasterUrl().replaceAll("/$", ""));
  }

  private OperatorProcess operator(String identity, URI apiServer, String lease) throws Exception {
    OperatorProcess operator =
        OperatorProcess.start(identity, apiServer, dataPlane.adminUri(), namespace, lease);
    closing.add(operator);
    return operator;
  }

  @Test
  void anOperatorSigkilledWhileHandlingAnEditLosesNothing() throws Exception {
    OperatorProcess first = operator("first", apiServer(), null);
    awaitCaughtUp(first);
    SteadyLoad load = SteadyLoad.start(port, "/", 4, 200);
    Map<String, Integer> killedAt = new TreeMap<>();
    OperatorProcess current = first;
    for (int round = 0; round < 4; round++) {
      long version = dataPlane.dataPlane().appliedVersion();
      int weight = 2 + round;
      long generation = setWeight(weight);
      // Somewhere in translating, pushing and writing status for the edit.
      Thread.sleep(ThreadLocalRandom.current().nextLong(0, 300));
      current.kill();
      boolean pushed = dataPlane.dataPlane().appliedVersion() > version;
      boolean statusWritten = observedGeneration() == generation;
      killedAt.merge(
          pushed
              ? statusWritten ? "after push and status" : "after push, before status"
              : "before push",
          1,
          Integer::sum);
      current = operator("next-" + round, apiServer(), null);
      awaitCaughtUp(current);
      int expected = weight;
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(effectiveWeight(b.port()))
                      .as("the edit reached the data plane")
                      .isEqualTo(expected));
    }
    SteadyLoad.Result result = load.stop();
    assertThat(result.failed()).as(result.why()).isZero();
    ReliabilityRows.record(
        "operator process SIGKILLed while handling an edit",
        result.load(),
        "4 times: a group edited, the operator process SIGKILLed 0-300 ms later, a new process"
            + " started",
        result.sent(),
        result.failed(),
        "the data plane served its last snapshot throughout; every new process pushed the edit"
            + " and caught status up (observedGeneration, Ready). Where the kills landed: "
            + killedAt
            + ". "
            + result.why());
  }

  @Test
  void aLeaderCutOffFromTheApiServerStepsDownAndOnlyTheNewLeaderPushes() throws Exception {
    String lease = namespace + "/elbow-operator";
    URI server = apiServer();
    Map<String, TcpFaultProxy> lines = new TreeMap<>();
    Map<String, OperatorProcess> replicas = new TreeMap<>();
    for (String name : List.of("r1", "r2", "r3")) {
      TcpFaultProxy line =
          new TcpFaultProxy(new InetSocketAddress(server.getHost(), server.getPort()));
      closing.add(line);
      lines.put(name, line);
      replicas.put(
          name,
          operator(name, URI.create("https://" + server.getHost() + ":" + line.port()), lease));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> holder() != null);
    String leader = holder();
    awaitCaughtUp(replicas.get(leader));
    SteadyLoad load = SteadyLoad.start(port, "/", 4, 200);

    // Watch the data plane's version and the Lease's holder from here on.
    List<long[]> versions = new ArrayList<>(); // {nanos, version}
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher =
        new Thread(
            () -> {
              while (watching.get()) {
                synchronized (versions) {
                  versions.add(
                      new long[] {System.nanoTime(), dataPlane.dataPlane().appliedVersion()});
                }
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // sampling
              }
            });
    watcher.setDaemon(true);
    watcher.start();

    long before = dataPlane.dataPlane().appliedVersion();
    lines.get(leader).cut();
    long cutAt = System.nanoTime();
    long generation = setWeight(4); // straight to the API server: only the other replicas see it

    Integer exit = replicas.get(leader).awaitExit(Duration.ofSeconds(30));
    long exitedAt = System.nanoTime();
    assertThat(exit)
        .as("the cut-off leader ends itself; log:\n%s", replicas.get(leader).output())
        .isEqualTo(1);
    assertThat(replicas.get(leader).output()).contains("lost the leader Lease");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> holder() != null && !holder().equals(leader));
    long newLeaderSeenAt = System.nanoTime();
    String next = holder();
    awaitCaughtUp(replicas.get(next));
    assertThat(observedGeneration()).isEqualTo(generation);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(effectiveWeight(b.port())).isEqualTo(4));
    watching.set(false);
    watcher.join();
    SteadyLoad.Result result = load.stop();

    long advancedAt = -1;
    synchronized (versions) {
      for (long[] sample : versions) {
        if (sample[1] > before) {
          advancedAt = sample[0];
          break;
        }
      }
    }
    assertThat(advancedAt).as("the new leader advanced the data plane").isPositive();
    assertThat(advancedAt)
        .as("nothing advanced the data plane between the cut and the old leader's exit")
        .isGreaterThan(exitedAt - Duration.ofMillis(100).toNanos());
    assertThat(result.failed()).as(result.why()).isZero();
    ReliabilityRows.record(
        "operator leader partitioned from the API server (three replica processes)",
        result.load(),
        "the leader's connections to the API server reset and refused while it runs (Lease 10 s,"
            + " renew deadline 8 s); a group edited meanwhile",
        result.sent(),
        result.failed(),
        String.format(
            java.util.Locale.ROOT,
            "the cut-off leader exited by itself (code 1, its lost-Lease path) %.1f s after the"
                + " cut; %s took the Lease (seen %.1f s after the cut) and pushed the edit; the"
                + " data plane's version first advanced %.1f s after the cut, after the old"
                + " leader was gone. %s",
            (exitedAt - cutAt) / 1e9,
            next,
            (newLeaderSeenAt - cutAt) / 1e9,
            (advancedAt - cutAt) / 1e9,
            result.why()));
  }

  private String holder() {
    Lease lease = kube.leases().inNamespace(namespace).withName("elbow-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private long setWeight(int weight) {
    BackendServerGroup edited =
        editRetrying(
            kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("web"),
            g -> {
              g.getSpec().getMembers().get(1).setWeight(weight);
              return g;
            });
    return edited.getMetadata().getGeneration();
  }

  private double effectiveWeight(int memberPort) {
    return Scrape.value(
        dataPlane.dataPlane().metrics(),
        "elbow_member_effective_weight",
        "member",
        "127.0.0.1:" + memberPort);
  }

  private long observedGeneration() {
    BackendServerGroup group =
        kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("web").get();
    return group.getStatus() == null || group.getStatus().getObservedGeneration() == null
        ? -1
        : group.getStatus().getObservedGeneration();
  }

  private void awaitCaughtUp(OperatorProcess operator) {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(operator.alive()).as("operator %s runs", operator.identity).isTrue();
              BackendServerGroup group =
                  kube.resources(BackendServerGroup.class)
                      .inNamespace(namespace)
                      .withName("web")
                      .get();
              assertThat(group.getStatus()).isNotNull();
              assertThat(group.getStatus().getObservedGeneration())
                  .isEqualTo(group.getMetadata().getGeneration());
              assertThat(condition(group.getStatus().getConditions(), "Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              assertThat(dataPlane.dataPlane().ready()).isTrue();
            });
  }
}
