package dev.elbow.dataplane.metrics;

import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Hands out the meters the request path records into, once per listener and group as a routing
 * table is built (on the applier thread), never per request:
 *
 * <ul>
 *   <li>{@code elbow_listener_connections_accepted_total{listener}}, {@code
 *       elbow_listener_connections_active{listener}} (TCP, HTTP, HTTPS listeners)
 *   <li>{@code elbow_listener_received_bytes_total{listener}}, {@code
 *       elbow_listener_sent_bytes_total{listener}}: bytes from and to clients, as on the wire (TLS
 *       included; UDP payloads)
 *   <li>{@code elbow_http_requests_total{listener,code}}: responses by status class, 1xx to 5xx
 *       (HTTP and HTTPS listeners)
 *   <li>{@code elbow_errors_total{listener,kind}}: see {@link ErrorKind}
 *   <li>{@code elbow_http_request_duration_seconds{listener,group}}: a histogram of the time from a
 *       request's complete head to the last byte of its response handed to the client connection
 *   <li>{@code elbow_member_connect_duration_seconds{group}}: a histogram of TCP connects to
 *       members
 * </ul>
 *
 * Meters of listeners and groups that leave the snapshot are removed by {@link #retain}.
 */
public final class TrafficMetrics {

  /** Meters that record nothing: for routing tables built without a registry (tests). */
  public static final TrafficMetrics NONE = new TrafficMetrics(new CompositeMeterRegistry());

  // Bounded bucket sets, so each histogram has a fixed number of series.
  private static final Duration[] REQUEST_BUCKETS =
      millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000);
  private static final Duration[] CONNECT_BUCKETS =
      millis(0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000);

  private record Registered<T>(T value, List<Meter> meters) {}

  private final MeterRegistry registry;
  private final Map<List<String>, Registered<ListenerMetrics>> listeners = new HashMap<>();
  private final Map<List<String>, Timer> requestTimers = new HashMap<>();
  private final Map<String, Timer> connectTimers = new HashMap<>();

  public TrafficMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  private static Duration[] millis(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000));
    }
    return durations;
  }

  /** The counters of a listener: the same object while its name and protocol stay. */
  public synchronized ListenerMetrics listener(ListenerConfig config) {
    return listeners
        .computeIfAbsent(key(config), k -> register(config.name(), config.protocol()))
        .value();
  }

  private static List<String> key(ListenerConfig config) {
    return List.of(config.name(), config.protocol().name());
  }

  private Registered<ListenerMetrics> register(String name, ListenerProtocol protocol) {
    ListenerMetrics metrics = new ListenerMetrics(name);
    List<Meter> meters = new ArrayList<>();
    if (protocol != ListenerProtocol.UDP) {
      meters.add(
          counter(
              "elbow_listener_connections_accepted",
              "Connections accepted",
              name,
              metrics.accepted));
      meters.add(
          Gauge.builder("elbow_listener_connections_active", metrics.active, LongAdder::sum)
              .description("Client connections open now")
              .tag("listener", name)
              .register(registry));
    }
    meters.add(
        counter(
            "elbow_listener_received_bytes", "Bytes received from clients", name, metrics.bytesIn));
    meters.add(
        counter("elbow_listener_sent_bytes", "Bytes sent to clients", name, metrics.bytesOut));
    if (protocol == ListenerProtocol.HTTP || protocol == ListenerProtocol.HTTPS) {
      for (int i = 0; i < metrics.responses.length; i++) {
        meters.add(
            FunctionCounter.builder("elbow_http_requests", metrics.responses[i], LongAdder::sum)
                .description("HTTP requests answered, by status class")
                .tags("listener", name, "code", (i + 1) + "xx")
                .register(registry));
      }
    }
    for (ErrorKind kind : ErrorKind.values()) {
      meters.add(
          FunctionCounter.builder("elbow_errors", metrics.errors[kind.ordinal()], LongAdder::sum)
              .description("Errors on the listener's traffic, by kind")
              .tags("listener", name, "kind", kind.label())
              .register(registry));
    }
    return new Registered<>(metrics, meters);
  }

  private Meter counter(String name, String description, String listener, LongAdder adder) {
    return FunctionCounter.builder(name, adder, LongAdder::sum)
        .description(description)
        .tag("listener", listener)
        .register(registry);
  }

  /** The request duration histogram of an HTTP or HTTPS listener and its group. */
  public synchronized Timer requestDuration(String listener, String group) {
    return requestTimers.computeIfAbsent(
        List.of(listener, group),
        k ->
            Timer.builder("elbow_http_request_duration")
                .description(
                    "From a request's complete head to the last byte of its response, per listener"
                        + " and group")
                .tags("listener", listener, "group", group)
                .serviceLevelObjectives(REQUEST_BUCKETS)
                .register(registry));
  }

  /**
   * The group label of a listener's own requests: its group, or "" for an HTTP listener without one
   * (the requests no rule takes, answered 404).
   */
  public static String groupLabel(ListenerConfig listener) {
    return listener.group() == null ? "" : listener.group();
  }

  /** The histogram of TCP connects to the group's members. */
  public synchronized Timer connectDuration(String group) {
    return connectTimers.computeIfAbsent(
        group,
        g ->
            Timer.builder("elbow_member_connect_duration")
                .description("TCP connects to the group's members that succeeded, by duration")
                .tag("group", g)
                .serviceLevelObjectives(CONNECT_BUCKETS)
                .register(registry));
  }

  /** Removes the meters of listeners and groups the snapshot in force no longer has. */
  public synchronized void retain(Snapshot snapshot) {
    Set<List<String>> listenerKeys = new HashSet<>();
    Set<List<String>> routes = new HashSet<>();
    for (ListenerConfig listener : snapshot.listeners()) {
      listenerKeys.add(key(listener));
      routes.add(List.of(listener.name(), groupLabel(listener)));
    }
    Set<String> groups = new HashSet<>();
    snapshot.groups().stream().map(GroupConfig::name).forEach(groups::add);
    removeUnless(listeners, listenerKeys, Registered::meters);
    removeUnless(requestTimers, routes, List::of);
    removeUnless(connectTimers, groups, List::of);
  }

  /** Drops the entries whose keys are not wanted, and their meters from the registry. */
  private <K, V> void removeUnless(
      Map<K, V> map, Set<K> wanted, Function<V, List<? extends Meter>> meters) {
    map.entrySet()
        .removeIf(
            e -> {
              boolean gone = !wanted.contains(e.getKey());
              if (gone) {
                meters.apply(e.getValue()).forEach(registry::remove);
              }
              return gone;
            });
  }
}
