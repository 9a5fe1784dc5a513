package dev.elbow.operator.push;

import java.net.URI;
import java.util.Set;
import java.util.function.Consumer;

/** A fixed list of data planes, for tests and for data planes outside the cluster. */
public final class StaticDataPlaneEndpoints implements DataPlaneEndpoints {

  private final Set<URI> endpoints;

  public StaticDataPlaneEndpoints(Set<URI> endpoints) {
    this.endpoints = Set.copyOf(endpoints);
  }

  @Override
  public void start(Consumer<Set<URI>> onChange) {
    onChange.accept(endpoints);
  }
}
