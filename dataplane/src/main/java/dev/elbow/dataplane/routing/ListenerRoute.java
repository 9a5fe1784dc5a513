package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.tls.ServerCertificates;
import dev.elbow.snapshot.ListenerConfig;
import io.micrometer.core.instrument.Timer;

/**
 * Where traffic arriving on one listener port goes.
 *
 * @param config the listener as configured
 * @param group the group that receives its traffic
 * @param certificates HTTPS listeners: the certificates to present; null for the others
 * @param metrics the listener's counters, which connections and requests add to
 * @param requestDuration HTTP and HTTPS listeners: the request duration histogram of the listener
 *     and its group; null for the others
 */
public record ListenerRoute(
    ListenerConfig config,
    GroupRuntime group,
    ServerCertificates certificates,
    ListenerMetrics metrics,
    Timer requestDuration) {}
