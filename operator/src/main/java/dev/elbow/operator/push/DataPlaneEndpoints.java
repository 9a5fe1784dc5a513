package dev.elbow.operator.push;

import java.net.URI;
import java.util.Set;
import java.util.function.Consumer;

/** Where the data planes' admin APIs are; the set may change while the operator runs. */
public interface DataPlaneEndpoints extends AutoCloseable {

  /**
   * Starts watching and calls {@code onChange} with the full set now and after every change, from
   * any thread.
   */
  void start(Consumer<Set<URI>> onChange);

  @Override
  default void close() {}
}
