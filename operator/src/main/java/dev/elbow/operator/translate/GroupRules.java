package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupSpec;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ExpectedCodes;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.ProtocolVersion;
import dev.elbow.snapshot.ProxyProtocol;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a BackendServerGroup into its snapshot form, filling in defaults, or says why it cannot be.
 * Pure: the same resource always gives the same result.
 */
public final class GroupRules {

  /** Health check defaults, as in ELB. */
  static final int DEFAULT_INTERVAL = 5;

  static final int DEFAULT_TIMEOUT = 3;
  static final int DEFAULT_THRESHOLD = 3;
  static final String DEFAULT_PATH = "/";

  private GroupRules() {}

  /**
   * The verdict on a group and, when accepted, its snapshot form.
   *
   * @param verdict whether the group is accepted, and why not
   * @param config the group as the data plane gets it; null when not accepted
   */
  public record Result(Verdict verdict, GroupConfig config) {}

  public static Result translate(BackendServerGroup group) {
    return translate(group, References.NONE);
  }

  /**
   * The verdict on a group and its snapshot form.
   *
   * @param references the Secrets and ConfigMaps its TLS settings may name
   */
  public static Result translate(BackendServerGroup group, References references) {
    BackendServerGroupSpec spec = group.getSpec();
    if (spec == null || spec.getProtocol() == null) {
      return rejected(
          "InvalidSpec", "spec.protocol is required: one of TCP, UDP, QUIC, HTTP, HTTPS");
    }
    BackendProtocol protocol = BackendProtocol.valueOf(spec.getProtocol().name());
    Algorithm algorithm =
        spec.getAlgorithm() == null
            ? Algorithm.ROUND_ROBIN
            : Algorithm.valueOf(spec.getAlgorithm().name());
    HealthCheckConfig check = healthCheck(protocol, spec.getHealthCheck());
    TlsReferences.Tls tls = TlsReferences.groupTls(group, references);
    if (tls.problem() != null) {
      return new Result(tls.problem(), null);
    }
    List<MemberConfig> members = new ArrayList<>();
    Set<String> listed = new HashSet<>();
    for (Member member : Objects.requireNonNullElse(spec.getMembers(), List.<Member>of())) {
      MemberConfig config =
          new MemberConfig(
              member.getAddress(),
              member.getPort() == null ? 0 : member.getPort(),
              member.getWeight() == null ? 1 : member.getWeight(),
              MemberConfig.FROM_IP,
              false);
      members.add(config);
      listed.add(config.endpoint());
    }
    ServiceMembers.Resolved fromServices = ServiceMembers.resolve(group, references);
    if (fromServices.problem() != null) {
      return new Result(fromServices.problem(), null);
    }
    // A member listed by address and also an endpoint of a Service or a pod is the listed one;
    // one found twice counts once, serving rather than draining.
    Map<String, MemberConfig> found = new LinkedHashMap<>();
    for (MemberConfig member : fromServices.members()) {
      found.merge(member.endpoint(), member, (a, b) -> a.draining() ? b : a);
    }
    for (MemberConfig member : PodMembers.resolve(group, references)) {
      found.merge(member.endpoint(), member, (a, b) -> a.draining() ? b : a);
    }
    found.values().stream().filter(m -> !listed.contains(m.endpoint())).forEach(members::add);
    GroupConfig config =
        new GroupConfig(
            ResourceKey.of(group).toString(),
            protocol,
            algorithm,
            members,
            check,
            tls.tls(),
            spec.getQuicConnectionIdLength(),
            TrafficPolicy.stickySession(spec.getStickySession()),
            TrafficPolicy.slowStart(spec.getSlowStart()),
            Objects.requireNonNullElse(
                spec.getDeregistrationDelaySeconds(),
                GroupConfig.DEFAULT_DEREGISTRATION_DELAY_SECONDS),
            TrafficPolicy.passiveHealth(spec.getPassiveHealth()),
            spec.getProxyProtocol() == null
                ? null
                : ProxyProtocol.valueOf(spec.getProxyProtocol().name()),
            spec.getProtocolVersion() == null
                ? null
                : ProtocolVersion.valueOf(spec.getProtocolVersion().name()));
    // The API server's schema catches nearly everything; this catches the rest (such as a range
    // "204-200" in expectedCodes) with the same checks the data plane applies, so the operator
    // never pushes a snapshot the data plane would refuse.
    List<String> problems =
        SnapshotValidator.validate(new Snapshot(1, List.of(), List.of(config))).stream()
            .map(p -> p.replace("groups[0].", "spec.").replace("groups[0]:", "spec:"))
            .toList();
    if (!problems.isEmpty()) {
      return rejected("Invalid", String.join("; ", problems));
    }
    return new Result(
        Verdict.accepted(members.size() + (members.size() == 1 ? " member" : " members")), config);
  }

  private static Result rejected(String reason, String message) {
    return new Result(Verdict.rejected(reason, message), null);
  }

  /** The health check with every default filled in; on unless the user turned it off. */
  static HealthCheckConfig healthCheck(BackendProtocol group, HealthCheck spec) {
    HealthCheck given = spec == null ? new HealthCheck() : spec;
    if (Boolean.FALSE.equals(given.getEnabled())) {
      return HealthCheckConfig.DISABLED;
    }
    HealthCheckProtocol protocol =
        given.getProtocol() != null
            ? HealthCheckProtocol.valueOf(given.getProtocol().name())
            : defaultProtocol(group);
    boolean http = protocol == HealthCheckProtocol.HTTP || protocol == HealthCheckProtocol.HTTPS;
    return new HealthCheckConfig(
        true,
        protocol,
        given.getPort(),
        Objects.requireNonNullElse(given.getIntervalSeconds(), DEFAULT_INTERVAL),
        Objects.requireNonNullElse(given.getTimeoutSeconds(), DEFAULT_TIMEOUT),
        Objects.requireNonNullElse(given.getHealthyThreshold(), DEFAULT_THRESHOLD),
        Objects.requireNonNullElse(given.getUnhealthyThreshold(), DEFAULT_THRESHOLD),
        http ? Objects.requireNonNullElse(given.getPath(), DEFAULT_PATH) : given.getPath(),
        given.getHost(),
        http
            ? Objects.requireNonNullElse(given.getExpectedCodes(), ExpectedCodes.DEFAULT)
            : given.getExpectedCodes(),
        given.getUdpSend(),
        given.getUdpExpect(),
        given.getGrpcService());
  }

  private static HealthCheckProtocol defaultProtocol(BackendProtocol group) {
    return switch (group) {
      case TCP -> HealthCheckProtocol.TCP;
      case HTTP -> HealthCheckProtocol.HTTP;
      case HTTPS -> HealthCheckProtocol.HTTPS;
      case UDP, QUIC -> HealthCheckProtocol.UDP;
    };
  }
}
