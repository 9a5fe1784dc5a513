package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.operator.translate.gateway.GatewayInputs;
import dev.elbow.operator.translate.gateway.GatewayTranslation;
import dev.elbow.operator.translate.gateway.GatewayTranslator;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.TlsCertificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Translates every BackendServerGroup and Listener into one snapshot plus a verdict per resource. A
 * pure function of its input: no API calls, no clock, no randomness; the output lists resources in
 * namespace/name order so equal input gives an equal snapshot.
 */
public final class Translator {

  private Translator() {}

  public static Translation translate(
      Collection<BackendServerGroup> groups, Collection<Listener> listeners) {
    return translate(groups, listeners, References.NONE);
  }

  /**
   * Translates everything.
   *
   * @param references the Secrets and ConfigMaps that listeners and groups name, and the
   *     certificates each HTTPS listener last served with
   */
  public static Translation translate(
      Collection<BackendServerGroup> groups,
      Collection<Listener> listeners,
      References references) {
    return translate(groups, listeners, references, GatewayInputs.NONE);
  }

  /**
   * Translates everything, Gateway API objects of Elbow's GatewayClasses included: their listeners
   * and groups join the snapshot beside those of Elbow's own kinds, and may not take a port a
   * Listener holds.
   */
  public static Translation translate(
      Collection<BackendServerGroup> groups,
      Collection<Listener> listeners,
      References references,
      GatewayInputs gatewayInputs) {
    Map<ResourceKey, BackendServerGroup> groupsByKey = new HashMap<>();
    Map<ResourceKey, Judged> groupVerdicts = new HashMap<>();
    List<GroupConfig> groupConfigs = new ArrayList<>();
    for (BackendServerGroup group : sorted(groups)) {
      ResourceKey key = ResourceKey.of(group);
      GroupRules.Result result = GroupRules.translate(group, references);
      groupsByKey.put(key, group);
      groupVerdicts.put(
          key, new Judged(group.getMetadata().getUid(), generation(group), result.verdict()));
      if (result.config() != null) {
        groupConfigs.add(result.config());
      }
    }

    // A UDP port and a TCP port of the same number do not collide.
    Map<String, List<Listener>> byPort =
        listeners.stream()
            .filter(l -> l.getSpec() != null && l.getSpec().getPort() != null)
            .collect(Collectors.groupingBy(Translator::socket));
    Map<ResourceKey, Judged> listenerVerdicts = new HashMap<>();
    List<ListenerConfig> listenerConfigs = new ArrayList<>();
    for (Listener listener : sorted(listeners)) {
      ResourceKey key = ResourceKey.of(listener);
      String namespace = key.namespace();
      Verdict verdict =
          ListenerRules.verdict(
              listener,
              name -> groupsByKey.get(new ResourceKey(namespace, name)),
              group -> groupVerdicts.get(ResourceKey.of(group)).verdict(),
              byPort.getOrDefault(socket(listener), List.of(listener)));
      List<TlsCertificate> certificates = List.of();
      if (verdict.accepted()
          && listener.getSpec().getProtocol() == dev.elbow.api.v1alpha1.ListenerProtocol.HTTPS) {
        TlsReferences.Certificates resolved = TlsReferences.certificates(listener, references);
        certificates = resolved.certificates();
        if (resolved.problem() != null) {
          // A bad renewal must not take the site down: the last good certificates keep serving.
          certificates = references.lastGoodCertificates(key);
          verdict =
              certificates.isEmpty()
                  ? resolved.problem()
                  : Verdict.rejected(
                      resolved.problem().reason(),
                      resolved.problem().message()
                          + "; the listener keeps serving its last good certificates");
        }
      }
      listenerVerdicts.put(
          key, new Judged(listener.getMetadata().getUid(), generation(listener), verdict));
      if (verdict.accepted() || !certificates.isEmpty()) {
        listenerConfigs.add(
            new ListenerConfig(
                key.toString(),
                ListenerProtocol.valueOf(listener.getSpec().getProtocol().name()),
                listener.getSpec().getPort(),
                new ResourceKey(namespace, listener.getSpec().getBackendGroup()).toString(),
                timeouts(listener.getSpec().getTimeouts()),
                certificates,
                listener.getSpec().getProxyProtocolFrom(),
                ForwardingRules.of(namespace, listener.getSpec().getRules())));
      }
    }
    Map<Integer, String> ports = new HashMap<>();
    for (ListenerConfig listener : listenerConfigs) {
      if (!listener.isDatagram()) {
        ports.put(listener.port(), "Listener " + listener.name());
      }
    }
    Map<String, GroupConfig> accepted = new HashMap<>();
    groupConfigs.forEach(g -> accepted.put(g.name(), g));
    GatewayTranslation gateway =
        GatewayTranslator.translate(
            gatewayInputs, ports, key -> accepted.get(key.toString()), references);
    listenerConfigs.addAll(gateway.listeners());
    groupConfigs.addAll(gateway.groups());
    return new Translation(
        new Snapshot(0, listenerConfigs, groupConfigs), groupVerdicts, listenerVerdicts, gateway);
  }

  /** "UDP 53" or "TCP 443": what a listener binds. */
  private static String socket(Listener listener) {
    ListenerSpec spec = listener.getSpec();
    if (spec == null || spec.getPort() == null) {
      return "";
    }
    boolean udp = spec.getProtocol() == dev.elbow.api.v1alpha1.ListenerProtocol.UDP;
    return (udp ? "UDP " : "TCP ") + spec.getPort();
  }

  /** The listener's timeouts, each left out one with its ELB default. */
  static ListenerTimeouts timeouts(dev.elbow.api.v1alpha1.ListenerTimeouts given) {
    ListenerTimeouts d = ListenerTimeouts.DEFAULTS;
    if (given == null) {
      return d;
    }
    return new ListenerTimeouts(
        Objects.requireNonNullElse(given.getTcpIdleSeconds(), d.tcpIdleSeconds()),
        Objects.requireNonNullElse(given.getUdpIdleSeconds(), d.udpIdleSeconds()),
        Objects.requireNonNullElse(given.getHttpKeepAliveSeconds(), d.httpKeepAliveSeconds()),
        Objects.requireNonNullElse(given.getRequestSeconds(), d.requestSeconds()),
        Objects.requireNonNullElse(given.getResponseSeconds(), d.responseSeconds()));
  }

  private static <T extends HasMetadata> List<T> sorted(Collection<T> resources) {
    return resources.stream().sorted(Comparator.comparing(ResourceKey::of)).toList();
  }

  private static long generation(HasMetadata resource) {
    Long generation = resource.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
