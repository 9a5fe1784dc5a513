package dev.elbow.api.v1alpha1;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.Map;

/**
 * Describes the fields that come from Kubernetes' own types (a label selector, a condition) and the
 * top-level spec and status, which the generator leaves bare, so that {@code kubectl explain}
 * describes every field ({@link CrdDescriptionsTest}).
 */
final class StandardDescriptions implements CRDPostProcessor {

  private static final Map<String, String> TOP_LEVEL =
      Map.of(
          "spec",
          "What the user asks for.",
          "status",
          "What Elbow observed and did: conditions, the generation they judged, and more;"
              + " written by the operator, not by users.");

  /** Fields of a label selector and of a condition, wherever they are below the top level. */
  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("status", "True, False or Unknown."),
          Map.entry(
              "matchExpressions", "Label requirements that must all hold (as in a Deployment)."),
          Map.entry("key", "The label the requirement is about."),
          Map.entry("operator", "In, NotIn, Exists or DoesNotExist."),
          Map.entry(
              "values", "The values In and NotIn compare with; empty for Exists and DoesNotExist."),
          Map.entry("matchLabels", "Labels a pod must carry, with these values."),
          Map.entry("lastTransitionTime", "When the condition's status last changed."),
          Map.entry("message", "What happened, for people: what is wrong and how to fix it."),
          Map.entry("observedGeneration", "The metadata.generation the condition judged."),
          Map.entry("reason", "Why the condition has its status, in one CamelCase word."),
          Map.entry("type", "The condition's type, such as Accepted or Ready."));

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    for (var version : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
      Map<String, JSONSchemaProps> top = version.getSchema().getOpenAPIV3Schema().getProperties();
      TOP_LEVEL.forEach(
          (name, description) -> {
            JSONSchemaProps field = top.get(name);
            if (field != null
                && (field.getDescription() == null || field.getDescription().isBlank())) {
              field.setDescription(description);
            }
            describe(field);
          });
    }
    return crd;
  }

  private static void describe(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    if (schema.getProperties() != null) {
      schema
          .getProperties()
          .forEach(
              (name, field) -> {
                if ((field.getDescription() == null || field.getDescription().isBlank())
                    && DESCRIPTIONS.containsKey(name)) {
                  field.setDescription(DESCRIPTIONS.get(name));
                }
                describe(field);
              });
    }
    if (schema.getItems() != null) {
      describe(schema.getItems().getSchema());
    }
  }
}
