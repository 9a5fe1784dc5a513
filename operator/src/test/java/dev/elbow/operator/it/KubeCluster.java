package dev.elbow.operator.it;

import dev.elbow.api.v1alpha1.CrdInstaller;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kubernetes API server integration tests run against, started once per test JVM, with the
 * Elbow CRDs from {@code crds/} applied. Which one is chosen by {@code -Delbow.it.cluster}:
 *
 * <ul>
 *   <li>{@code local} (default): a real kube-apiserver and etcd on this machine, started by
 *       io.fabric8:kube-api-test in offline mode from the binaries scripts/kube-binaries.sh builds;
 *   <li>{@code existing}: the cluster of the current kubeconfig;
 *   <li>{@code k3s}: a K3s container through Testcontainers, where a Docker engine exists; the
 *       tests are skipped, with the reason, where none does.
 * </ul>
 */
public final class KubeCluster {

  /** The K3s image for {@code -Delbow.it.cluster=k3s}. */
  static final String K3S_IMAGE = "rancher/k3s:v1.33.4-k3s1";

  private static KubernetesClient client;
  private static String kubeconfig;
  private static String failure;

  private KubeCluster() {}

  /** The client of the shared cluster; starts it on first use. */
  public static synchronized KubernetesClient client() {
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    if (client == null) {
      String mode = System.getProperty("elbow.it.cluster", "local");
      client =
          switch (mode) {
            case "local" -> local();
            case "existing" -> existing();
            case "k3s" -> k3s();
            default ->
                throw new IllegalArgumentException(
                    "elbow.it.cluster must be local, existing or k3s, was " + mode);
          };
      installCrds(client);
    }
    return client;
  }

  /** The kubeconfig of the shared cluster (for Helm), as YAML. */
  public static synchronized String kubeconfig() {
    client();
    return kubeconfig;
  }

  private static KubernetesClient existing() {
    String path = System.getenv().getOrDefault("KUBECONFIG", "");
    Path file =
        path.isEmpty()
            ? Path.of(System.getProperty("user.home"), ".kube", "config")
            : Path.of(path.split(java.io.File.pathSeparator)[0]);
    try {
      kubeconfig = Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  private static KubernetesClient local() {
    String version = System.getProperty("elbow.kube.version", "1.37.2");
    Path binaries =
        Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s", version + "-linux-amd64");
    if (!Files.isExecutable(binaries.resolve("kube-apiserver"))) {
      failure =
          "no kube-apiserver in "
              + binaries
              + ": run scripts/kube-binaries.sh (needs Go), or choose"
              + " another cluster with -Delbow.it.cluster=existing|k3s";
      throw new IllegalStateException(failure);
    }
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withApiServerVersion(version)
                .withUpdateKubeConfig(false)
                .build());
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    kubeconfig = server.getKubeConfigYaml();
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  private static KubernetesClient k3s() {
    Assumptions.assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(),
        "-Delbow.it.cluster=k3s needs a Docker engine, and there is none here");
    K3sContainer k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
    k3s.start();
    Runtime.getRuntime().addShutdownHook(new Thread(k3s::stop));
    kubeconfig = k3s.getKubeConfigYaml();
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  /** Applies every CRD under {@code crds/} and waits until the API server serves them. */
  static void installCrds(KubernetesClient kube) {
    CrdInstaller.apply(kube, Path.of(System.getProperty("elbow.crds.dir", "../crds")));
  }

  /** Creates a namespace of its own for one test. */
  public static String newNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }
}
