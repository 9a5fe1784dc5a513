package dev.elbow.operator;

import dev.elbow.operator.push.DesiredSnapshot;
import java.net.URI;

/**
 * Hears what the {@link ConfigCoordinator} does, for what follows it without being part of it: the
 * traffic Service's ports and the operator's metrics. Calls come from the coordinator's and the
 * data plane links' threads and must return quickly.
 */
public interface CoordinatorObserver {

  /** A new snapshot version, about to be pushed to every data plane. */
  default void stamped(DesiredSnapshot snapshot) {}

  /**
   * A push finished.
   *
   * @param outcome applied, refused (422), outnumbered (409) or failed
   */
  default void pushed(URI dataPlane, long nanos, String outcome) {}

  /** The newest version a data plane accepted from this operator run. */
  default void acked(URI dataPlane, long version) {}

  /** A data plane left (its pod went away). */
  default void gone(URI dataPlane) {}
}
