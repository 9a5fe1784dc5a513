package dev.elbow.operator.metrics;

import dev.elbow.operator.CoordinatorObserver;
import dev.elbow.operator.push.DesiredSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's Prometheus metrics: reconciles and their failures per kind (as JOSDK's {@link
 * Metrics} hook reports them), snapshots made (version, size), pushes to data planes (latency by
 * outcome), the version each data plane accepted, whether this replica works, and the JVM's.
 */
public final class OperatorMetrics implements CoordinatorObserver, Metrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong snapshotVersion = new AtomicLong();
  private final AtomicLong snapshotBytes = new AtomicLong();
  private final AtomicLong working = new AtomicLong();
  private final Map<URI, AtomicLong> dataPlaneVersions = new ConcurrentHashMap<>();

  public OperatorMetrics() {
    Gauge.builder("elbow_operator_snapshot_version", snapshotVersion, AtomicLong::get)
        .description("Version of the newest snapshot made")
        .register(registry);
    Gauge.builder("elbow_operator_snapshot_bytes", snapshotBytes, AtomicLong::get)
        .description("Size of the newest snapshot's JSON")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("elbow_operator_working", working, AtomicLong::get)
        .description("1 while this replica works: it holds the leader Lease, or runs alone")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Whether this replica works now (reconciles and pushes). */
  public void working(boolean value) {
    working.set(value ? 1 : 0);
  }

  @Override
  public void stamped(DesiredSnapshot snapshot) {
    snapshotVersion.set(snapshot.version());
    snapshotBytes.set(snapshot.json().length);
  }

  @Override
  public void pushed(URI dataPlane, long nanos, String outcome) {
    Timer.builder("elbow_operator_push")
        .description("Time to push a snapshot to a data plane, by outcome")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void acked(URI dataPlane, long version) {
    dataPlaneVersions
        .computeIfAbsent(
            dataPlane,
            uri -> {
              AtomicLong value = new AtomicLong();
              Gauge.builder("elbow_operator_dataplane_version", value, AtomicLong::get)
                  .description("The newest snapshot version the data plane accepted")
                  .tag("dataplane", uri.getAuthority())
                  .register(registry);
              return value;
            })
        .set(version);
  }

  @Override
  public void gone(URI dataPlane) {
    if (dataPlaneVersions.remove(dataPlane) != null) {
      registry
          .find("elbow_operator_dataplane_version")
          .tag("dataplane", dataPlane.getAuthority())
          .meters()
          .forEach(registry::remove);
    }
  }

  // ---- JOSDK's hook: reconciles ----

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retry, Map<String, Object> metadata) {
    counter("elbow_operator_reconciles", "Reconciles started", resource).increment();
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    counter("elbow_operator_reconcile_errors", "Reconciles that threw", resource).increment();
  }

  private Counter counter(String name, String description, HasMetadata resource) {
    return Counter.builder(name)
        .description(description)
        .tag("kind", resource.getKind())
        .register(registry);
  }
}
