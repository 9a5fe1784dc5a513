package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Slow start: a member that is added, or turns healthy again, gets a share that rises linearly from
 * a tenth of its weight to all of it.
 */
public class SlowStart {

  @Min(30)
  @Max(1200)
  @Default("30")
  @JsonPropertyDescription("Seconds the ramp lasts, 30-1200 (default 30).")
  private Integer durationSeconds = 30;

  public Integer getDurationSeconds() {
    return durationSeconds;
  }

  public void setDurationSeconds(Integer durationSeconds) {
    this.durationSeconds = durationSeconds;
  }
}
