package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Passive health (outlier detection): members judged by the traffic they serve, with Envoy's
 * outlier detection defaults.
 */
@ValidationRule(
    value =
        "!has(self.maxEjectionSeconds) || !has(self.baseEjectionSeconds)"
            + " || self.maxEjectionSeconds >= self.baseEjectionSeconds",
    message = "maxEjectionSeconds must be at least baseEjectionSeconds",
    fieldPath = ".maxEjectionSeconds",
    reason = "FieldValueInvalid")
public class PassiveHealth {

  @Default("true")
  @JsonPropertyDescription(
      "Whether members are ejected by what traffic finds (default true). The panic threshold"
          + " applies either way.")
  private Boolean enabled = true;

  @Min(1)
  @Max(100)
  @Default("5")
  @JsonPropertyDescription(
      "Failures in a row that eject a member, 1-100 (default 5, as Envoy's"
          + " consecutive_5xx): a refused or timed-out connect, a reset or close before the"
          + " response was whole, a malformed response, no response within the listener's"
          + " responseSeconds, or a 502, 503 or 504 from the member. Any other answer starts the"
          + " count over, so one slow or broken request never ejects a member on its own.")
  private Integer consecutiveFailures = 5;

  @Min(1)
  @Max(3600)
  @Default("30")
  @JsonPropertyDescription(
      "How long the first ejection lasts, 1-3600 s (default 30, as Envoy's"
          + " base_ejection_time). Each further ejection lasts this times the number of recent"
          + " ejections; each such time spent back in service forgives one.")
  private Integer baseEjectionSeconds = 30;

  @Min(1)
  @Max(3600)
  @Default("300")
  @JsonPropertyDescription(
      "The longest an ejection lasts, 1-3600 s (default 300, as Envoy's max_ejection_time).")
  private Integer maxEjectionSeconds = 300;

  @Min(0)
  @Max(100)
  @Default("10")
  @JsonPropertyDescription(
      "The most of the group ejected at once, 0-100 percent (default 10, as Envoy's"
          + " max_ejection_percent); one member may always be ejected.")
  private Integer maxEjectionPercent = 10;

  @Min(0)
  @Max(100)
  @Default("50")
  @JsonPropertyDescription(
      "When fewer than this percent of the members in rotation (weight above 0, not draining)"
          + " are in service, traffic goes to all of them, healthy or not, rather than to too few"
          + " or none, 0-100 (default 50, as Envoy's healthy_panic_threshold; 0 never, and a group"
          + " with no member in service then answers 503).")
  private Integer panicThresholdPercent = 50;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getConsecutiveFailures() {
    return consecutiveFailures;
  }

  public void setConsecutiveFailures(Integer consecutiveFailures) {
    this.consecutiveFailures = consecutiveFailures;
  }

  public Integer getBaseEjectionSeconds() {
    return baseEjectionSeconds;
  }

  public void setBaseEjectionSeconds(Integer baseEjectionSeconds) {
    this.baseEjectionSeconds = baseEjectionSeconds;
  }

  public Integer getMaxEjectionSeconds() {
    return maxEjectionSeconds;
  }

  public void setMaxEjectionSeconds(Integer maxEjectionSeconds) {
    this.maxEjectionSeconds = maxEjectionSeconds;
  }

  public Integer getMaxEjectionPercent() {
    return maxEjectionPercent;
  }

  public void setMaxEjectionPercent(Integer maxEjectionPercent) {
    this.maxEjectionPercent = maxEjectionPercent;
  }

  public Integer getPanicThresholdPercent() {
    return panicThresholdPercent;
  }

  public void setPanicThresholdPercent(Integer panicThresholdPercent) {
    this.panicThresholdPercent = panicThresholdPercent;
  }
}
