package dev.elbow.snapshot;

import java.util.List;

/**
 * The data plane's answer to a pushed snapshot.
 *
 * @param appliedVersion the version it serves after the push (the old one if the push failed)
 * @param errors why the push was refused; empty when it was applied
 */
public record ApplyResult(long appliedVersion, List<String> errors) {
  public ApplyResult {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** A push that was applied. */
  public static ApplyResult applied(long version) {
    return new ApplyResult(version, List.of());
  }
}
