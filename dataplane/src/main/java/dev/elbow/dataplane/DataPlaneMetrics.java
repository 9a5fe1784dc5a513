package dev.elbow.dataplane;

import dev.elbow.dataplane.metrics.TrafficMetrics;
import dev.elbow.dataplane.proxy.udp.UdpCounters;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.MemberTraffic;
import dev.elbow.dataplane.routing.RoutingTable;
import dev.elbow.snapshot.HealthState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The data plane's Prometheus metrics, served on the admin API's {@code GET /metrics}: the snapshot
 * in force, and per group and member what the request path already keeps (work in flight, health,
 * slow-start weight, bytes), per UDP port its flows and drops, the listener and group meters of
 * {@link TrafficMetrics}, and the JVM's memory, threads and CPU. Per-member values are read when
 * scraped, from the routing table in force, so members that leave drop out of the output and the
 * request path does no extra work.
 */
final class DataPlaneMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Supplier<RoutingTable> table;
  private final Supplier<Map<Integer, UdpCounters>> udp;
  private final MultiGauge inFlight;
  private final MultiGauge inService;
  private final MultiGauge health;
  private final MultiGauge effectiveWeight;
  private final MultiGauge udpFlows;
  private final MultiGauge udpDropped;
  // Per-member counters, registered as members appear and removed once they leave.
  private final Map<List<String>, List<Meter>> memberCounters = new HashMap<>();
  private final TrafficMetrics traffic = new TrafficMetrics(registry);

  DataPlaneMetrics(Supplier<RoutingTable> table, Supplier<Map<Integer, UdpCounters>> udp) {
    this.table = table;
    this.udp = udp;
    registry.gauge("elbow_snapshot_version", this, m -> m.table.get().snapshot().version());
    inFlight =
        multiGauge(
            "elbow_member_in_flight",
            "Connections, UDP flows or HTTP requests in progress to the member");
    inService =
        multiGauge(
            "elbow_member_in_service",
            "1 when the member takes new traffic (healthy or unchecked, weight > 0)");
    health =
        multiGauge(
            "elbow_member_health",
            "1 for the member's health state (healthy, unhealthy, unknown, unmonitored, draining)");
    effectiveWeight =
        multiGauge(
            "elbow_member_effective_weight",
            "The member's weight now (lower while slow start ramps it up)");
    udpFlows = multiGauge("elbow_udp_flows_open", "Open UDP flows on the listener port");
    udpDropped =
        multiGauge(
            "elbow_udp_dropped",
            "Datagrams or flows dropped on the listener port since start, by reason");
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /**
   * {@code elbow_member_started_total}, {@code elbow_member_sent_bytes_total} and {@code
   * elbow_member_received_bytes_total}: counters per member, following the members in force.
   */
  private synchronized void countPerMember() {
    Set<List<String>> present = new HashSet<>();
    for (GroupRuntime group : table.get().groups()) {
      for (Member member : group.members()) {
        List<String> key = List.of(group.name(), member.config().endpoint());
        present.add(key);
        MemberTraffic traffic = member.traffic();
        memberCounters.computeIfAbsent(
            key,
            k ->
                List.of(
                    memberCounter(
                        "elbow_member_started",
                        "Connections, UDP flows or HTTP requests started with the member",
                        k,
                        traffic,
                        MemberTraffic::startedTotal),
                    memberCounter(
                        "elbow_member_sent_bytes",
                        "Bytes sent to the member",
                        k,
                        traffic,
                        t -> t.bytesSent().sum()),
                    memberCounter(
                        "elbow_member_received_bytes",
                        "Bytes received from the member",
                        k,
                        traffic,
                        t -> t.bytesReceived().sum()),
                    memberCounter(
                        "elbow_member_ejections",
                        "Times passive health ejected the member",
                        k,
                        traffic,
                        t -> t.ejection().total())));
      }
    }
    memberCounters
        .entrySet()
        .removeIf(
            e -> {
              if (present.contains(e.getKey())) {
                return false;
              }
              e.getValue().forEach(registry::remove);
              return true;
            });
  }

  private Meter memberCounter(
      String name,
      String description,
      List<String> groupAndMember,
      MemberTraffic traffic,
      ToDoubleFunction<MemberTraffic> value) {
    return FunctionCounter.builder(name, traffic, value)
        .description(description)
        .tags("group", groupAndMember.get(0), "member", groupAndMember.get(1))
        .register(registry);
  }

  private MultiGauge multiGauge(String name, String description) {
    return MultiGauge.builder(name).description(description).register(registry);
  }

  /** The meters the request path records into, on the same registry. */
  TrafficMetrics traffic() {
    return traffic;
  }

  /** The metrics in the Prometheus text format. */
  String scrape() {
    List<MultiGauge.Row<?>> active = new ArrayList<>();
    List<MultiGauge.Row<?>> serving = new ArrayList<>();
    List<MultiGauge.Row<?>> weights = new ArrayList<>();
    List<MultiGauge.Row<?>> states = new ArrayList<>();
    for (GroupRuntime group : table.get().groups()) {
      for (Member member : group.members()) {
        Tags tags = Tags.of("group", group.name(), "member", member.config().endpoint());
        active.add(MultiGauge.Row.of(tags, member.traffic().active()));
        serving.add(MultiGauge.Row.of(tags, member.takesTraffic() ? 1 : 0));
        // One series per member, its state (as status shows it) a label, as kube-state-metrics
        // shows enums.
        HealthState state = DataPlane.report(member).state();
        states.add(MultiGauge.Row.of(tags.and("state", state.name().toLowerCase(Locale.ROOT)), 1));
        Integer ramped = member.traffic().effectiveWeight();
        weights.add(MultiGauge.Row.of(tags, ramped == null ? member.weight() : ramped));
      }
    }
    countPerMember();
    inFlight.register(active, true);
    inService.register(serving, true);
    health.register(states, true);
    effectiveWeight.register(weights, true);
    List<MultiGauge.Row<?>> flows = new ArrayList<>();
    List<MultiGauge.Row<?>> dropped = new ArrayList<>();
    udp.get()
        .forEach(
            (port, counters) -> {
              Tags tags = Tags.of("port", port.toString());
              flows.add(MultiGauge.Row.of(tags, counters.flowsOpen.sum()));
              dropped.add(
                  MultiGauge.Row.of(
                      tags.and("reason", "flow_refused"), counters.flowsRefused.sum()));
              dropped.add(
                  MultiGauge.Row.of(tags.and("reason", "malformed"), counters.malformed.sum()));
              dropped.add(
                  MultiGauge.Row.of(tags.and("reason", "no_member"), counters.noMember.sum()));
              dropped.add(
                  MultiGauge.Row.of(tags.and("reason", "oversized"), counters.oversized.sum()));
              dropped.add(
                  MultiGauge.Row.of(tags.and("reason", "queue_full"), counters.queueFull.sum()));
              dropped.add(
                  MultiGauge.Row.of(tags.and("reason", "unreachable"), counters.unreachable.sum()));
            });
    udpFlows.register(flows, true);
    udpDropped.register(dropped, true);
    return registry.scrape();
  }
}
