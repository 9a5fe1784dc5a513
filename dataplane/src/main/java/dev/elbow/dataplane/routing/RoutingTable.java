package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.health.HealthStatus;
import dev.elbow.dataplane.metrics.TrafficMetrics;
import dev.elbow.dataplane.tls.BackendTlsContexts;
import dev.elbow.dataplane.tls.ServerCertificates;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.Snapshot;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The applied snapshot in the form the request path reads: listener routes by port and groups by
 * name. A table never changes after it is built; applying a snapshot builds a new one and swaps it
 * in with a single volatile write.
 */
public final class RoutingTable {

  /**
   * The table before the first snapshot: nothing to route. Its sticky cookies are signed with a
   * random key and its clock is {@link System#nanoTime}; see {@link #empty}.
   */
  public static final RoutingTable EMPTY = empty(randomKey(), System::nanoTime);

  private final Snapshot snapshot;
  private final byte[] cookieKey;
  private final LongSupplier nanoTime;
  private final TrafficMetrics metrics;
  private final Consumer<String> healthChanges;
  private final IntObjectMap<ListenerRoute> routesByPort;
  private final IntObjectMap<ListenerRoute> datagramRoutesByPort;
  private final Map<String, GroupRuntime> groupsByName;

  private RoutingTable(
      Snapshot snapshot,
      byte[] cookieKey,
      LongSupplier nanoTime,
      TrafficMetrics metrics,
      Consumer<String> healthChanges,
      IntObjectMap<ListenerRoute> routesByPort,
      IntObjectMap<ListenerRoute> datagramRoutesByPort,
      Map<String, GroupRuntime> groupsByName) {
    this.snapshot = snapshot;
    this.cookieKey = cookieKey;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
    this.healthChanges = healthChanges;
    this.routesByPort = routesByPort;
    this.datagramRoutesByPort = datagramRoutesByPort;
    this.groupsByName = groupsByName;
  }

  /**
   * The table before the first snapshot, for a data plane whose replicas share {@code cookieKey}
   * (see {@link StickyCookies#keyFrom}) and that tells time (slow start, session timeouts) by
   * {@code nanoTime}; every table built from it keeps both. Its meters record nothing.
   */
  public static RoutingTable empty(byte[] cookieKey, LongSupplier nanoTime) {
    return empty(cookieKey, nanoTime, TrafficMetrics.NONE, group -> {});
  }

  /**
   * As {@link #empty(byte[], LongSupplier)}, with the meters every table built from it uses, and
   * what is told the name of a group whose pickers passive health wants rebuilt (a member ejected).
   */
  public static RoutingTable empty(
      byte[] cookieKey,
      LongSupplier nanoTime,
      TrafficMetrics metrics,
      Consumer<String> healthChanges) {
    return new RoutingTable(
        Snapshot.EMPTY,
        cookieKey.clone(),
        nanoTime,
        metrics,
        healthChanges,
        new IntObjectHashMap<>(),
        new IntObjectHashMap<>(),
        Map.of());
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /**
   * Builds the table for a validated snapshot. A member keeps its health from {@code previous} when
   * it stays in the same group with the same health check, so re-applying a snapshot, or changing
   * an unrelated part of it, does not send healthy members back to "unknown"; it keeps its traffic
   * counts and slow start in any case, and sticky sessions stay while their settings do. TLS
   * contexts of certificates and groups that did not change are carried over too.
   *
   * @throws IllegalArgumentException when a certificate or CA bundle cannot be loaded
   */
  public static RoutingTable build(Snapshot snapshot, RoutingTable previous, Instant now) {
    Map<String, GroupRuntime> groups = new LinkedHashMap<>();
    for (GroupConfig group : snapshot.groups()) {
      GroupRuntime old = previous.group(group.name());
      Map<String, HealthStatus> kept = new HashMap<>();
      Map<String, MemberTraffic> traffic = new HashMap<>();
      if (old != null) {
        old.members().forEach(m -> traffic.put(m.config().endpoint(), m.traffic()));
      }
      if (old != null
          && old.config().healthCheck().equals(group.healthCheck())
          && Objects.equals(old.config().tls(), group.tls())) {
        old.members().forEach(m -> kept.put(m.config().endpoint(), m.health()));
      }
      List<Member> members = new ArrayList<>(group.members().size());
      for (MemberConfig member : group.members()) {
        // A member joining a group that already serves gets a slow start; a new group's do not.
        MemberTraffic counts =
            traffic.computeIfAbsent(member.endpoint(), e -> new MemberTraffic(old != null));
        HealthStatus health = kept.get(member.endpoint());
        if (health == null) {
          health =
              group.healthCheck().enabled()
                  ? HealthStatus.checked(
                      group.healthCheck().healthyThreshold(),
                      group.healthCheck().unhealthyThreshold(),
                      now)
                  : HealthStatus.unmonitored(now);
        }
        members.add(new Member(member, health, counts, members.size()));
      }
      QuicLearning learning =
          old != null
                  && Objects.equals(
                      old.config().quicConnectionIdLength(), group.quicConnectionIdLength())
              ? old.quicLearning()
              : new QuicLearning(group.quicConnectionIdLength());
      BackendTlsContexts tls = null;
      if (group.tls() != null) {
        tls =
            old != null
                    && old.tls() != null
                    && old.tls().config().equals(group.tls())
                    && old.tls().http2() == group.speaksHttp2()
                ? old.tls()
                : BackendTlsContexts.build(group.tls(), group.speaksHttp2());
      }
      groups.put(
          group.name(),
          new GroupRuntime(
              group,
              members,
              learning,
              tls,
              sourceIpSessions(group, old, previous.nanoTime),
              StickyCookies.of(group.stickySession(), members, previous.cookieKey, group.name()),
              previous.nanoTime,
              previous.metrics.connectDuration(group.name()),
              previous.healthChanges));
    }
    IntObjectMap<ListenerRoute> routes = new IntObjectHashMap<>();
    IntObjectMap<ListenerRoute> datagramRoutes = new IntObjectHashMap<>();
    for (ListenerConfig listener : snapshot.listeners()) {
      ServerCertificates certificates = null;
      if (!listener.certificates().isEmpty()) {
        ListenerRoute before = listener.isDatagram() ? null : previous.route(listener.port());
        certificates =
            ServerCertificates.build(
                listener.certificates(), before == null ? null : before.certificates());
      }
      boolean http =
          listener.protocol() == ListenerProtocol.HTTP
              || listener.protocol() == ListenerProtocol.HTTPS;
      (listener.isDatagram() ? datagramRoutes : routes)
          .put(
              listener.port(),
              new ListenerRoute(
                  listener,
                  groups.get(listener.group()),
                  certificates,
                  previous.metrics.listener(listener),
                  http
                      ? previous.metrics.requestDuration(
                          listener.name(), TrafficMetrics.groupLabel(listener))
                      : null,
                  http && !listener.rules().isEmpty()
                      ? HttpRouter.compile(
                          listener.rules(),
                          (rule, name) ->
                              groups.get(name) == null
                                  ? null
                                  : new RouteTarget(
                                      groups.get(name),
                                      previous.metrics.requestDuration(listener.name(), name),
                                      null,
                                      HeaderRewrite.of(rule.requestHeaders()),
                                      HeaderRewrite.of(rule.responseHeaders())),
                          // Answered without a group: histogram "group" label left empty.
                          rule ->
                              new RouteTarget(
                                  null,
                                  previous.metrics.requestDuration(listener.name(), ""),
                                  DirectAnswer.of(rule),
                                  null,
                                  null))
                      : null));
    }
    return new RoutingTable(
        snapshot,
        previous.cookieKey,
        previous.nanoTime,
        previous.metrics,
        previous.healthChanges,
        routes,
        datagramRoutes,
        groups);
  }

  /** The SOURCE_IP sessions of a group: the old group's while the timeout stays, else new. */
  private static SourceIpSessions sourceIpSessions(
      GroupConfig group, GroupRuntime old, LongSupplier nanoTime) {
    if (!GroupRuntime.keepsSourceIpSessions(group)) {
      return null;
    }
    int timeout = group.stickySession().timeoutMinutes();
    if (old != null
        && old.sourceIpSessions() != null
        && old.sourceIpSessions().hasTimeout(timeout)) {
      return old.sourceIpSessions();
    }
    return new SourceIpSessions(timeout, SourceIpSessions.DEFAULT_CAPACITY, nanoTime);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** The route of a TCP listener port (TCP, HTTP, HTTPS), or null when no listener has it. */
  public ListenerRoute route(int port) {
    return routesByPort.get(port);
  }

  /** The route of a UDP listener port, or null when no listener has it. */
  public ListenerRoute datagramRoute(int port) {
    return datagramRoutesByPort.get(port);
  }

  /** The group with this name, or null. */
  public GroupRuntime group(String name) {
    return groupsByName.get(name);
  }

  public Collection<GroupRuntime> groups() {
    return groupsByName.values();
  }
}
