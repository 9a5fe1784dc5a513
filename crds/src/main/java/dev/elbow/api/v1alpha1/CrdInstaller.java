package dev.elbow.api.v1alpha1;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Applies the generated CRD YAML to a cluster and waits until the API server serves each kind, for
 * the integration tests and the benchmarks (clusters get them from the chart).
 */
public final class CrdInstaller {

  private CrdInstaller() {}

  /**
   * Server-side applies every object of every {@code *.yaml} in {@code dir} (the CRDs and the
   * removal-protection admission policy) and waits for each CRD to be Established.
   */
  public static void apply(KubernetesClient kube, Path dir) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      List<HasMetadata> resources;
      try (InputStream in = Files.newInputStream(file)) {
        resources = kube.load(in).items();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (HasMetadata resource : resources) {
        kube.resource(resource).forceConflicts().serverSideApply();
        if (resource instanceof CustomResourceDefinition crd) {
          awaitEstablished(kube, crd.getMetadata().getName());
        }
      }
    }
  }

  private static void awaitEstablished(KubernetesClient kube, String name) {
    kube.apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(name)
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    // A CRD just created may have a status without conditions yet.
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            k -> k.getType().equals("Established") && k.getStatus().equals("True")),
            60,
            TimeUnit.SECONDS);
  }
}
