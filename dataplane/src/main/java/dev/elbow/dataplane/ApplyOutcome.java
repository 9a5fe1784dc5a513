package dev.elbow.dataplane;

import dev.elbow.snapshot.ApplyResult;
import java.util.List;

/**
 * What became of a pushed snapshot.
 *
 * @param kind the outcome, which the admin API maps to an HTTP status
 * @param result the version in force afterwards and, if refused, why
 */
public record ApplyOutcome(Kind kind, ApplyResult result) {

  /** The possible outcomes of a push. */
  public enum Kind {
    /** The snapshot is now in force. */
    APPLIED,
    /** The same version with the same content was already in force; nothing changed. */
    UNCHANGED,
    /** An older version than the one in force, or the same version with other content. */
    STALE,
    /** The snapshot cannot be applied as it is; the errors say why. */
    INVALID,
    /** The request body is not a snapshot at all. */
    MALFORMED
  }

  static ApplyOutcome refused(Kind kind, long appliedVersion, List<String> errors) {
    return new ApplyOutcome(kind, new ApplyResult(appliedVersion, errors));
  }
}
