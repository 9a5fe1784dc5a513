package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.tls.ServerCertificates;
import dev.elbow.snapshot.ListenerConfig;

/**
 * Where traffic arriving on one listener port goes.
 *
 * @param config the listener as configured
 * @param group the group that receives its traffic
 * @param certificates HTTPS listeners: the certificates to present; null for the others
 */
public record ListenerRoute(
    ListenerConfig config, GroupRuntime group, ServerCertificates certificates) {}
