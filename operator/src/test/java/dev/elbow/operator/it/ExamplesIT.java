package dev.elbow.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every manifest in {@code examples/} is accepted by the API server as it is. */
class ExamplesIT {

  @Test
  void everyExampleIsAcceptedByTheApiServer() throws IOException {
    KubernetesClient kube = KubeCluster.client();
    String namespace = KubeCluster.newNamespace("examples");
    List<Path> manifests;
    // examples/ and its folders (examples/standalone is served without Kubernetes, and must be
    // just as valid with it).
    try (Stream<Path> files = Files.walk(Path.of("..", "examples"), 2)) {
      manifests = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(manifests).hasSizeGreaterThanOrEqualTo(4);
    for (Path manifest : manifests) {
      try (InputStream in = Files.newInputStream(manifest)) {
        List<HasMetadata> created = kube.load(in).inNamespace(namespace).create();
        assertThat(created).as(manifest.toString()).isNotEmpty();
      }
      // Each file stands alone: clear the namespace for the next one.
      kube.resources(dev.elbow.api.v1alpha1.Listener.class).inNamespace(namespace).delete();
      kube.resources(dev.elbow.api.v1alpha1.BackendServerGroup.class)
          .inNamespace(namespace)
          .delete();
    }
  }
}
