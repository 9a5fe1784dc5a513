package dev.elbow.operator.translate;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Kubernetes label selector matching (matchLabels and matchExpressions), as the API defines it. */
public final class LabelSelectors {

  private LabelSelectors() {}

  /**
   * Whether labels match; an empty selector matches nothing here (not everything, as in the API),
   * so a group never takes in every pod of a namespace by an omission.
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> given = labels == null ? Map.of() : labels;
    Map<String, String> wanted =
        Objects.requireNonNullElse(selector.getMatchLabels(), Map.<String, String>of());
    List<LabelSelectorRequirement> expressions =
        Objects.requireNonNullElse(selector.getMatchExpressions(), List.of());
    if (wanted.isEmpty() && expressions.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> label : wanted.entrySet()) {
      if (!label.getValue().equals(given.get(label.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement requirement : expressions) {
      String value = given.get(requirement.getKey());
      List<String> values = Objects.requireNonNullElse(requirement.getValues(), List.of());
      boolean ok =
          switch (String.valueOf(requirement.getOperator())) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
