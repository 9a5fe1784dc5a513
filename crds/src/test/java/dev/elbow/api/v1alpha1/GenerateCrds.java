package dev.elbow.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Generates the CRD YAML of every Elbow kind with Fabric8's crd-generator. The build runs it into
 * {@code target/generated-crds}; {@link CrdYamlIsCurrentTest} compares the result with the files
 * committed under {@code crds/}.
 */
public final class GenerateCrds {

  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(BackendServerGroup.class, Listener.class);

  private GenerateCrds() {}

  public static void main(String[] args) {
    File out = new File(args[0]);
    if (!out.isDirectory() && !out.mkdirs()) {
      throw new IllegalStateException("cannot create " + out);
    }
    new CRDGenerator()
        .inOutputDir(out)
        .forCRDVersions("v1")
        .withParallelGenerationEnabled(false)
        .withPostProcessor(
            new CRDPostProcessor() {
              @Override
              public HasMetadata process(HasMetadata crd, String version) {
                return new StandardDescriptions()
                    .process(
                        new ListMapLists()
                            .process(new DeclaredColumnOrder().process(crd, version), version),
                        version);
              }
            })
        .customResourceClasses(KINDS)
        .generate();
  }

  /** Turns the spec lists marked {@link ListMapKeys} into Kubernetes map lists. */
  static final class ListMapLists implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      Class<?> spec = specClass(definition);
      for (Field field : spec.getDeclaredFields()) {
        ListMapKeys keys = field.getAnnotation(ListMapKeys.class);
        if (keys == null) {
          continue;
        }
        for (var version : definition.getSpec().getVersions()) {
          JSONSchemaProps list =
              version
                  .getSchema()
                  .getOpenAPIV3Schema()
                  .getProperties()
                  .get("spec")
                  .getProperties()
                  .get(field.getName());
          list.setXKubernetesListType("map");
          list.setXKubernetesListMapKeys(List.of(keys.value()));
        }
      }
      return crd;
    }

    /** The S of {@code CustomResource<S, T>}; getSpec() is erased to Object. */
    private static Class<?> specClass(CustomResourceDefinition definition) {
      ParameterizedType resource = (ParameterizedType) kind(definition).getGenericSuperclass();
      return (Class<?>) resource.getActualTypeArguments()[0];
    }
  }

  private static Class<?> kind(CustomResourceDefinition definition) {
    String kind = definition.getSpec().getNames().getKind();
    return KINDS.stream().filter(k -> k.getSimpleName().equals(kind)).findFirst().orElseThrow();
  }

  /**
   * The generator sorts printer columns by JSON path, which would put Age first in {@code kubectl
   * get}; this puts them back in the order the annotations declare them.
   */
  static final class DeclaredColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      String kind = definition.getSpec().getNames().getKind();
      Class<?> type =
          KINDS.stream().filter(k -> k.getSimpleName().equals(kind)).findFirst().orElseThrow();
      List<String> declared =
          Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      Map<String, Integer> rank =
          declared.stream().collect(java.util.stream.Collectors.toMap(n -> n, declared::indexOf));
      definition
          .getSpec()
          .getVersions()
          .forEach(
              v ->
                  v.getAdditionalPrinterColumns()
                      .sort(
                          Comparator.comparing(
                              (CustomResourceColumnDefinition c) ->
                                  rank.getOrDefault(c.getName(), Integer.MAX_VALUE))));
      return crd;
    }
  }
}
