package dev.elbow.bench;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupSpec;
import dev.elbow.api.v1alpha1.CrdInstaller;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import dev.elbow.operator.translate.Translator;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The control-plane figures of docs/benchmarks.md, on a real kube-apiserver: how long a change
 * takes from the API server to the data plane's routing, and what 1,000 groups of 100 members cost
 * the operator and the data plane. The data planes run as separate processes, so the heap this JVM
 * reports is the operator's.
 *
 * <p>Usage: {@code ControlPlaneBench RESULT.json}, with {@code -Delbow.crds.dir} pointing at the
 * CRD YAML (default {@code crds}).
 */
public final class ControlPlaneBench {

  private static final String TOKEN = "bench-token";
  private static final int CHANGES = 100;
  private static final int GROUPS = 1000;
  private static final int MEMBERS = 100;
  private static final int FLEET_BASE_PORT = 20000;

  private final Map<String, Object> results = new LinkedHashMap<>();
  private final DataPlaneProcesses dataPlanes = new DataPlaneProcesses(TOKEN);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private KubernetesClient kube;

  public static void main(String[] args) throws Exception {
    ControlPlaneBench bench = new ControlPlaneBench();
    try {
      bench.run();
      Files.writeString(Path.of(args[0]), SnapshotJson.toPrettyString(bench.results));
    } finally {
      bench.dataPlanes.close();
    }
    System.exit(0);
  }

  private void run() throws Exception {
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .build());
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    kube =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build();
    installCrds();
    // -Delbow.bench.only=scale (or =latency) runs one part, for profiling it.
    String only = System.getProperty("elbow.bench.only", "");
    if (!only.equals("scale")) {
      changeToRouting();
    }
    if (!only.equals("latency")) {
      scale();
    }
  }

  // ---------------------------------------------------------------- change -> routing

  private void changeToRouting() throws Exception {
    System.out.println("== config change to routing, " + CHANGES + " changes");
    String ns = namespace("latency");
    DemoBackend a = DemoBackend.http("a", 0);
    DemoBackend b = DemoBackend.http("b", 0);
    URI admin = dataPlanes.start("127.0.0.1", "latency");
    int port = freePort();
    kube.resource(httpGroup(ns, "switch", a.port())).create();
    kube.resource(listener(ns, "switch", ListenerProtocol.HTTP, port, "switch")).create();
    URI through = URI.create("http://127.0.0.1:" + port + "/");
    long[] nanos = new long[CHANGES];
    try (ElbowOperator operator =
        ElbowOperator.start(kube, new StaticDataPlaneEndpoints(Set.of(admin)), TOKEN, Set.of(ns))) {
      waitFor(Duration.ofSeconds(60), () -> "a".equals(backendOf(through)));
      for (int i = 0; i < CHANGES; i++) {
        DemoBackend target = i % 2 == 0 ? b : a;
        patchSpec(
            ns,
            "switch",
            "{\"spec\":{\"members\":[{\"address\":\"127.0.0.1\",\"port\":"
                + target.port()
                + ",\"weight\":1}]}}");
        long accepted = System.nanoTime(); // the API server has taken the change
        waitFor(Duration.ofSeconds(30), () -> target.name().equals(backendOf(through)));
        nanos[i] = System.nanoTime() - accepted;
      }
    }
    Arrays.sort(nanos);
    double p50 = nanos[CHANGES / 2] / 1e6;
    double p99 = nanos[(int) Math.ceil(CHANGES * 0.99) - 1] / 1e6;
    System.out.printf(
        "   p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", p50, p99, nanos[CHANGES - 1] / 1e6);
    results.put("changeToRoutingP50Millis", round(p50));
    results.put("changeToRoutingP99Millis", round(p99));
    results.put("changeToRoutingMaxMillis", round(nanos[CHANGES - 1] / 1e6));
    a.close();
    b.close();
  }

  // ---------------------------------------------------------------- scale

  private void scale() throws Exception {
    System.out.println("== " + GROUPS + " groups x " + MEMBERS + " members, cold start");
    String ns = namespace("scale");
    DemoBackend probe = DemoBackend.http("probe", 0);
    int probePort = freePort();
    ExecutorService creators = Executors.newFixedThreadPool(8);
    List<Future<?>> created = new ArrayList<>();
    for (int i = 0; i < GROUPS; i++) {
      int index = i;
      created.add(
          creators.submit(
              () -> {
                BackendServerGroup group = Fleet.group(ns, index, MEMBERS);
                group.getMetadata().setUid(null);
                group.getMetadata().setGeneration(null);
                group.getMetadata().setCreationTimestamp(null);
                kube.resource(group).create();
                Listener listener = Fleet.listener(ns, index, FLEET_BASE_PORT);
                listener.getMetadata().setUid(null);
                listener.getMetadata().setGeneration(null);
                listener.getMetadata().setCreationTimestamp(null);
                kube.resource(listener).create();
              }));
    }
    for (Future<?> f : created) {
      f.get();
    }
    creators.shutdown();
    kube.resource(httpGroup(ns, "probe", probe.port())).create();
    kube.resource(listener(ns, "probe", ListenerProtocol.HTTP, probePort, "probe")).create();

    List<BackendServerGroup> groups =
        kube.resources(BackendServerGroup.class).inNamespace(ns).list().getItems();
    List<Listener> listeners = kube.resources(Listener.class).inNamespace(ns).list().getItems();
    byte[] snapshotJson =
        SnapshotJson.toBytes(Translator.translate(groups, listeners).snapshot().withVersion(1));
    results.put("scaleSnapshotBytes", snapshotJson.length);
    System.out.printf("   snapshot: %.1f MB of JSON%n", snapshotJson.length / 1e6);

    URI admin = dataPlanes.start("127.0.0.1", "scale");
    var readyGroups = new ReadyWatch<>(kube, BackendServerGroup.class, ns);
    var readyListeners = new ReadyWatch<>(kube, Listener.class, ns);
    long writesBefore = statusWrites();
    long heapBefore = usedHeapAfterGc();
    long start = System.nanoTime();
    try (readyGroups;
        readyListeners;
        ElbowOperator operator =
            ElbowOperator.start(
                kube, new StaticDataPlaneEndpoints(Set.of(admin)), TOKEN, Set.of(ns))) {
      dataPlanes.awaitServedGroups(admin, GROUPS + 1, Duration.ofMinutes(5));
      double served = (System.nanoTime() - start) / 1e9;
      waitFor(
          Duration.ofMinutes(5),
          50,
          () -> readyGroups.ready() == GROUPS + 1 && readyListeners.ready() == GROUPS + 1);
      double ready = (System.nanoTime() - start) / 1e9;
      long writes = statusWrites() - writesBefore;
      int objectBytes =
          io.fabric8.kubernetes.client.utils.Serialization.asJson(
                  kube.resources(BackendServerGroup.class).inNamespace(ns).withName("g0").get())
              .length();
      System.out.printf(
          "   status writes seen by the API server: %d; one group with its status: %d bytes%n",
          writes, objectBytes);
      results.put("scaleObjectBytes", objectBytes);
      results.put("scaleStatusWrites", writes);
      long heap = usedHeapAfterGc() - heapBefore;
      System.out.printf(
          "   data plane serves everything after %.1f s; every status Ready after %.1f s%n",
          served, ready);
      System.out.printf("   operator heap: %d MiB more than before it started%n", heap >> 20);
      results.put("scaleServedSeconds", round(served));
      results.put("scaleReadySeconds", round(ready));
      results.put("scaleOperatorHeapMiB", heap >> 20);

      latencyDuringPushes(ns, probePort);
    }
    dataPlaneApplyTime(snapshotJson);
    probe.close();
  }

  /**
   * Request latency through the data plane with and without full pushes at this scale, from a paced
   * probe (500 requests a second on 4 connections), so that a stall shows and saturation does not.
   */
  private void latencyDuringPushes(String ns, int probePort) throws Exception {
    Map<String, Double> quiet = LatencyProbe.run(probePort, 4, 500, 12);
    Thread pusher =
        new Thread(
            () -> {
              sleepQuietly(1000);
              for (int i = 0; i < 4; i++) {
                int weight = 2 + i;
                BackendServerGroup group = Fleet.group(ns, i, MEMBERS);
                group.getSpec().getMembers().get(0).setWeight(weight);
                patchSpec(ns, "g" + i, "{\"spec\":{\"members\":" + membersJson(group) + "}}");
                sleepQuietly(2500);
              }
            });
    pusher.start();
    Map<String, Double> pushing = LatencyProbe.run(probePort, 4, 500, 12);
    pusher.join();
    System.out.printf(
        "   request latency (paced probe, 500/s): p99 %.2f ms, max %.2f ms quiet;"
            + " p99 %.2f ms, max %.2f ms while 4 full snapshots are pushed%n",
        quiet.get("p99"), quiet.get("max"), pushing.get("p99"), pushing.get("max"));
    results.put("scaleQuietP50Millis", quiet.get("p50"));
    results.put("scaleQuietP99Millis", quiet.get("p99"));
    results.put("scaleQuietMaxMillis", quiet.get("max"));
    results.put("scalePushingP50Millis", pushing.get("p50"));
    results.put("scalePushingP99Millis", pushing.get("p99"));
    results.put("scalePushingMaxMillis", pushing.get("max"));
  }

  /** How long a fresh data plane takes to apply the whole snapshot, and then a changed one. */
  private void dataPlaneApplyTime(byte[] snapshotJson) throws Exception {
    URI fresh = dataPlanes.start("127.0.0.2", "apply");
    Snapshot snapshot = SnapshotJson.read(snapshotJson, Snapshot.class);
    long[] nanos = new long[4];
    for (int i = 0; i < nanos.length; i++) {
      byte[] body = SnapshotJson.toBytes(snapshot.withVersion(i + 1L));
      long t0 = System.nanoTime();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(fresh.resolve("/v1/snapshot"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      nanos[i] = System.nanoTime() - t0;
      if (response.statusCode() != 200) {
        throw new IllegalStateException("apply refused: " + response.body());
      }
    }
    double first = nanos[0] / 1e6;
    long[] later = Arrays.copyOfRange(nanos, 1, nanos.length);
    Arrays.sort(later);
    double again = later[later.length / 2] / 1e6;
    System.out.printf(
        "   data plane apply (PUT to 200): first %.0f ms (binds %d ports), again %.0f ms%n",
        first, GROUPS + 1, again);
    results.put("applyFirstMillis", round(first));
    results.put("applyAgainMillis", round(again));
  }

  // ---------------------------------------------------------------- helpers

  /** Status subresource writes of both kinds so far, from the API server's own metrics. */
  private long statusWrites() {
    long total = 0;
    for (String line : kube.raw("/metrics").split("\n")) {
      if (line.startsWith("apiserver_request_total{")
          && line.contains("subresource=\"status\"")
          && line.contains("group=\"elbow.dev\"")
          && !line.contains("verb=\"GET\"")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private String backendOf(URI uri) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.headers().firstValue("x-backend").orElse("");
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static BackendServerGroup httpGroup(String ns, String name, int port) {
    BackendServerGroup group = new BackendServerGroup();
    group.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    BackendServerGroupSpec spec = new BackendServerGroupSpec();
    spec.setProtocol(BackendProtocol.HTTP);
    HealthCheck off = new HealthCheck();
    off.setEnabled(false);
    spec.setHealthCheck(off);
    spec.setMembers(List.of(new Member("127.0.0.1", port, 1)));
    group.setSpec(spec);
    return group;
  }

  private static Listener listener(
      String ns, String name, ListenerProtocol protocol, int port, String group) {
    Listener listener = new Listener();
    listener.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    listener.setSpec(new ListenerSpec(protocol, port, group));
    return listener;
  }

  /**
   * Changes a group's spec with a merge patch: no resourceVersion, so it never conflicts with the
   * operator writing status at the same moment.
   */
  private void patchSpec(String ns, String name, String mergePatch) {
    kube.resources(BackendServerGroup.class)
        .inNamespace(ns)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private static String membersJson(BackendServerGroup group) {
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(group.getSpec().getMembers());
  }

  private String namespace(String name) {
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private void installCrds() {
    CrdInstaller.apply(kube, Path.of(System.getProperty("elbow.crds.dir", "crds")));
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Checks back to back: for measuring how soon something happens. */
  private static void waitFor(Duration limit, BooleanSupplier condition) {
    waitFor(limit, 0, condition);
  }

  /** Checks every {@code pauseMillis}: for conditions that are expensive to check. */
  private static void waitFor(Duration limit, long pauseMillis, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not reached within " + limit);
      }
      if (pauseMillis > 0) {
        sleepQuietly(pauseMillis);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis); // pacing a benchmark's load and polls, not a test waiting for a result
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
