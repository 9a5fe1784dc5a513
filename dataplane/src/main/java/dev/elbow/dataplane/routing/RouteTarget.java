package dev.elbow.dataplane.routing;

import io.micrometer.core.instrument.Timer;

/**
 * Where an HTTP request goes: a group, and the request duration histogram of the listener and that
 * group.
 *
 * @param requestDuration null for listeners that do not speak HTTP
 */
public record RouteTarget(GroupRuntime group, Timer requestDuration) {}
