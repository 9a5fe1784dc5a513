package dev.elbow.dataplane.routing;

import dev.elbow.snapshot.ListenerConfig;

/**
 * Where traffic arriving on one listener port goes.
 *
 * @param config the listener as configured
 * @param group the group that receives its traffic
 */
public record ListenerRoute(ListenerConfig config, GroupRuntime group) {}
