package dev.elbow.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a snapshot before anything applies it. Every problem is reported as {@code path: what is
 * wrong and what would be right}, where the path points into the snapshot's JSON, so a rejected
 * push can be fixed without guessing.
 */
public final class SnapshotValidator {

  private SnapshotValidator() {}

  /** All problems with the snapshot; empty when it can be applied. */
  public static List<String> validate(Snapshot snapshot) {
    List<String> problems = new ArrayList<>();
    if (snapshot.version() <= 0) {
      problems.add("version: must be positive, was " + snapshot.version());
    }
    Map<String, GroupConfig> groups = new HashMap<>();
    for (int i = 0; i < snapshot.groups().size(); i++) {
      GroupConfig group = snapshot.groups().get(i);
      String at = "groups[" + i + "]";
      if (isBlank(group.name())) {
        problems.add(at + ".name: must not be empty");
      } else if (groups.putIfAbsent(group.name(), group) != null) {
        problems.add(at + ".name: \"" + group.name() + "\" appears twice");
      }
      validateGroup(group, at, problems);
    }
    Map<String, String> ports = new HashMap<>();
    Set<String> listenerNames = new HashSet<>();
    for (int i = 0; i < snapshot.listeners().size(); i++) {
      validateListener(
          snapshot.listeners().get(i),
          "listeners[" + i + "]",
          groups,
          ports,
          listenerNames,
          problems);
    }
    return problems;
  }

  private static void validateListener(
      ListenerConfig listener,
      String at,
      Map<String, GroupConfig> groups,
      Map<String, String> ports,
      Set<String> names,
      List<String> problems) {
    if (isBlank(listener.name())) {
      problems.add(at + ".name: must not be empty");
    } else if (!names.add(listener.name())) {
      problems.add(at + ".name: \"" + listener.name() + "\" appears twice");
    }
    if (listener.protocol() == null) {
      problems.add(at + ".protocol: must be one of TCP, UDP, HTTP, HTTPS");
    }
    if (!isPort(listener.port())) {
      problems.add(at + ".port: must be 1-65535, was " + listener.port());
    } else {
      String family = listener.isDatagram() ? "UDP " : "TCP ";
      String holder = ports.putIfAbsent(family + listener.port(), listener.name());
      if (holder != null) {
        problems.add(
            at + ".port: " + family + listener.port() + " is already used by listener " + holder);
      }
    }
    validateTimeouts(listener.timeouts(), at + ".timeouts", problems);
    validateCertificates(listener, at, problems);
    validateProxyProtocolFrom(listener, at + ".proxyProtocolFrom", problems);
    validateRules(listener, at + ".rules", groups, problems);
    if (listener.group() == null) {
      if (listener.protocol() != ListenerProtocol.HTTP
          && listener.protocol() != ListenerProtocol.HTTPS) {
        problems.add(
            at
                + ".group: a "
                + listener.protocol()
                + " listener needs a group; only HTTP and HTTPS listeners may leave it out"
                + " (requests no rule takes are then answered 404)");
      }
      return;
    }
    GroupConfig group = groups.get(listener.group());
    if (group == null) {
      problems.add(at + ".group: no group named \"" + listener.group() + "\" in this snapshot");
    } else if (listener.protocol() != null
        && group.protocol() != null
        && !listener.protocol().canForwardTo(group.protocol())) {
      problems.add(
          at
              + ".group: a "
              + listener.protocol()
              + " listener cannot forward to the "
              + group.protocol()
              + " group \""
              + group.name()
              + "\"; it needs a "
              + listener.protocol().allowedBackends()
              + " group");
    }
  }

  private static void validateRules(
      ListenerConfig listener, String at, Map<String, GroupConfig> groups, List<String> problems) {
    if (listener.rules().isEmpty()) {
      return;
    }
    if (listener.protocol() != ListenerProtocol.HTTP
        && listener.protocol() != ListenerProtocol.HTTPS) {
      problems.add(at + ": only HTTP and HTTPS listeners route by host and path; remove the rules");
      return;
    }
    problems.addAll(HttpRule.problems(listener.rules(), at, groups.keySet()));
    for (int r = 0; r < listener.rules().size(); r++) {
      List<HttpRule.WeightedGroup> targets = listener.rules().get(r).forwardTo();
      for (int g = 0; g < targets.size(); g++) {
        GroupConfig target = groups.get(targets.get(g).group());
        if (target != null
            && target.protocol() != null
            && !listener.protocol().canForwardTo(target.protocol())) {
          problems.add(
              at
                  + "["
                  + r
                  + "].forwardTo["
                  + g
                  + "].group: a "
                  + listener.protocol()
                  + " listener cannot forward to the "
                  + target.protocol()
                  + " group \""
                  + target.name()
                  + "\"; it needs a "
                  + listener.protocol().allowedBackends()
                  + " group");
        }
      }
    }
  }

  private static void validateTimeouts(ListenerTimeouts t, String at, List<String> problems) {
    range(problems, at + ".tcpIdleSeconds", t.tcpIdleSeconds(), 10, 4000);
    range(problems, at + ".udpIdleSeconds", t.udpIdleSeconds(), 10, 4000);
    range(problems, at + ".httpKeepAliveSeconds", t.httpKeepAliveSeconds(), 0, 4000);
    range(problems, at + ".requestSeconds", t.requestSeconds(), 1, 300);
    range(problems, at + ".responseSeconds", t.responseSeconds(), 1, 300);
  }

  private static void validateProxyProtocolFrom(
      ListenerConfig listener, String at, List<String> problems) {
    if (listener.proxyProtocolFrom().isEmpty()) {
      return;
    }
    if (listener.protocol() == ListenerProtocol.UDP) {
      problems.add(at + ": UDP listeners do not read PROXY protocol headers; remove it");
    }
    for (int i = 0; i < listener.proxyProtocolFrom().size(); i++) {
      try {
        Cidr.parse(listener.proxyProtocolFrom().get(i));
      } catch (IllegalArgumentException e) {
        problems.add(at + "[" + i + "]: " + e.getMessage());
      }
    }
  }

  private static void validateCertificates(
      ListenerConfig listener, String at, List<String> problems) {
    boolean https = listener.protocol() == ListenerProtocol.HTTPS;
    if (https && listener.certificates().isEmpty()) {
      problems.add(at + ".certificates: an HTTPS listener needs at least one certificate");
    } else if (!https && !listener.certificates().isEmpty()) {
      problems.add(at + ".certificates: only HTTPS listeners take certificates");
    }
    for (int c = 0; c < listener.certificates().size(); c++) {
      TlsCertificate certificate = listener.certificates().get(c);
      for (String problem : PemMaterial.problems(certificate)) {
        problems.add(at + ".certificates[" + c + "]: " + problem);
      }
    }
  }

  private static void validateGroup(GroupConfig group, String at, List<String> problems) {
    if (group.protocol() == null) {
      problems.add(at + ".protocol: must be one of TCP, UDP, QUIC, HTTP, HTTPS");
    }
    if (group.algorithm() == null) {
      problems.add(
          at + ".algorithm: must be one of ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP, QUIC_CID");
    } else if (group.algorithm() == Algorithm.QUIC_CID
        && group.protocol() != BackendProtocol.QUIC) {
      problems.add(at + ".algorithm: QUIC_CID needs a QUIC group; use SOURCE_IP or ROUND_ROBIN");
    }
    if (group.members().size() > GroupConfig.MAX_MEMBERS) {
      problems.add(
          at
              + ".members: at most "
              + GroupConfig.MAX_MEMBERS
              + " members, had "
              + group.members().size());
    }
    Set<String> endpoints = new HashSet<>();
    for (int m = 0; m < group.members().size(); m++) {
      MemberConfig member = group.members().get(m);
      String mat = at + ".members[" + m + "]";
      if (!IpLiterals.isIpLiteral(member.address())) {
        problems.add(mat + ".address: \"" + member.address() + "\" is not an IPv4 or IPv6 address");
      }
      if (!isPort(member.port())) {
        problems.add(mat + ".port: must be 1-65535, was " + member.port());
      }
      if (member.weight() < 0 || member.weight() > 100) {
        problems.add(mat + ".weight: must be 0-100, was " + member.weight());
      }
      if (!endpoints.add(member.address() + "|" + member.port())) {
        problems.add(mat + ": " + member.endpoint() + " appears twice in the group");
      }
    }
    validateHealthCheck(group, at + ".healthCheck", problems);
    validateGroupTls(group, at, problems);
    TrafficPolicyRules.validate(group, at, problems);
    range(
        problems, at + ".deregistrationDelaySeconds", group.deregistrationDelaySeconds(), 0, 3600);
    validatePassiveHealth(group.passiveHealth(), at + ".passiveHealth", problems);
    if (group.protocolVersion() != null
        && group.protocol() != BackendProtocol.HTTP
        && group.protocol() != BackendProtocol.HTTPS) {
      problems.add(at + ".protocolVersion: applies only to HTTP and HTTPS groups; remove it");
    }
    if (group.proxyProtocol() != null
        && group.protocol() != BackendProtocol.TCP
        && group.protocol() != BackendProtocol.UDP) {
      problems.add(
          at
              + ".proxyProtocol: only TCP and UDP groups send a PROXY protocol header; HTTP groups"
              + " get the client's address in X-Forwarded-For");
    } else if (group.proxyProtocol() == ProxyProtocol.V1
        && group.protocol() == BackendProtocol.UDP) {
      problems.add(
          at
              + ".proxyProtocol: UDP groups send version 2 only (version 1 has no datagram form);"
              + " set V2");
    }
    Integer cidLength = group.quicConnectionIdLength();
    if (cidLength != null) {
      if (group.protocol() != BackendProtocol.QUIC) {
        problems.add(at + ".quicConnectionIdLength: applies only to QUIC groups");
      }
      range(problems, at + ".quicConnectionIdLength", cidLength, 1, 20);
    }
  }

  private static void validatePassiveHealth(PassiveHealth p, String at, List<String> problems) {
    range(problems, at + ".consecutiveFailures", p.consecutiveFailures(), 1, 100);
    range(problems, at + ".baseEjectionSeconds", p.baseEjectionSeconds(), 1, 3600);
    range(problems, at + ".maxEjectionSeconds", p.maxEjectionSeconds(), 1, 3600);
    range(problems, at + ".maxEjectionPercent", p.maxEjectionPercent(), 0, 100);
    range(problems, at + ".panicThresholdPercent", p.panicThresholdPercent(), 0, 100);
    if (p.maxEjectionSeconds() < p.baseEjectionSeconds()) {
      problems.add(
          at
              + ".maxEjectionSeconds: must be at least baseEjectionSeconds ("
              + p.baseEjectionSeconds()
              + "), was "
              + p.maxEjectionSeconds());
    }
  }

  private static void validateGroupTls(GroupConfig group, String at, List<String> problems) {
    BackendTls tls = group.tls();
    boolean httpsCheck =
        group.healthCheck().enabled()
            && group.healthCheck().protocol() == HealthCheckProtocol.HTTPS;
    if (tls == null) {
      if (group.protocol() == BackendProtocol.HTTPS) {
        problems.add(
            at
                + ".tls: an HTTPS group needs a CA bundle to verify its members, or"
                + " insecureSkipVerify: true to skip verification");
      } else if (httpsCheck) {
        problems.add(
            at
                + ".tls: an HTTPS health check needs a CA bundle to verify the members, or"
                + " insecureSkipVerify: true to skip verification");
      }
      return;
    }
    if (group.protocol() != BackendProtocol.HTTPS && !httpsCheck) {
      problems.add(at + ".tls: applies only to HTTPS groups and HTTPS health checks");
    }
    boolean hasBundle = tls.caBundle() != null && !tls.caBundle().isBlank();
    if (hasBundle == tls.insecureSkipVerify()) {
      problems.add(
          at + ".tls: give either a CA bundle or insecureSkipVerify: true, exactly one of them");
    }
    if (hasBundle) {
      PemMaterial.certificateProblem(tls.caBundle())
          .ifPresent(p -> problems.add(at + ".tls.caBundle: " + p));
    }
    if (tls.serverName() != null && !IpLiterals.isHostName(tls.serverName())) {
      problems.add(at + ".tls.serverName: \"" + tls.serverName() + "\" is not a DNS name");
    }
  }

  private static void validateHealthCheck(GroupConfig group, String at, List<String> problems) {
    HealthCheckConfig check = group.healthCheck();
    if (!check.enabled()) {
      return;
    }
    if (check.protocol() == null) {
      problems.add(at + ".protocol: must be one of TCP, HTTP, HTTPS, UDP, GRPC");
    } else if (group.protocol() != null) {
      boolean datagramCheck = check.protocol() == HealthCheckProtocol.UDP;
      if (datagramCheck != group.protocol().isDatagram()) {
        problems.add(
            at
                + ".protocol: a "
                + group.protocol()
                + " group is checked with "
                + (group.protocol().isDatagram() ? "UDP" : "TCP, HTTP, HTTPS or GRPC")
                + ", not "
                + check.protocol());
      }
    }
    if (check.port() != null && !isPort(check.port())) {
      problems.add(at + ".port: must be 1-65535, was " + check.port());
    }
    range(problems, at + ".intervalSeconds", check.intervalSeconds(), 1, 50);
    range(problems, at + ".timeoutSeconds", check.timeoutSeconds(), 1, 50);
    if (check.timeoutSeconds() >= check.intervalSeconds()) {
      problems.add(
          at
              + ".timeoutSeconds: must be less than intervalSeconds ("
              + check.intervalSeconds()
              + "), was "
              + check.timeoutSeconds());
    }
    range(problems, at + ".healthyThreshold", check.healthyThreshold(), 1, 10);
    range(problems, at + ".unhealthyThreshold", check.unhealthyThreshold(), 1, 10);
    if (check.isHttp()) {
      if (check.path() == null || !check.path().startsWith("/") || check.path().length() > 80) {
        problems.add(
            at + ".path: must start with '/' and have 1-80 characters, was " + quote(check.path()));
      }
      if (check.host() != null && (check.host().isEmpty() || check.host().length() > 100)) {
        problems.add(at + ".host: must have 1-100 characters");
      }
      try {
        ExpectedCodes.parse(check.expectedCodes());
      } catch (IllegalArgumentException e) {
        problems.add(at + ".expectedCodes: " + e.getMessage());
      }
    } else if (check.path() != null || check.host() != null || check.expectedCodes() != null) {
      problems.add(at + ": path, host and expectedCodes apply only to HTTP and HTTPS checks");
    }
    if (check.protocol() == HealthCheckProtocol.GRPC && !group.speaksHttp2()) {
      problems.add(
          at
              + ".protocol: GRPC checks need members that speak HTTP/2; set the group's"
              + " protocolVersion to HTTP2");
    }
    if (check.protocol() != HealthCheckProtocol.GRPC && check.grpcService() != null) {
      problems.add(at + ".grpcService: applies only to GRPC checks");
    }
    if (check.grpcService() != null && check.grpcService().length() > 200) {
      problems.add(at + ".grpcService: at most 200 characters");
    }
    if (check.protocol() != HealthCheckProtocol.UDP
        && (check.udpSend() != null || check.udpExpect() != null)) {
      problems.add(at + ": udpSend and udpExpect apply only to UDP checks");
    }
    if (check.udpSend() != null && check.udpSend().length() > 512) {
      problems.add(at + ".udpSend: at most 512 characters");
    }
    if (check.udpExpect() != null && check.udpExpect().isEmpty()) {
      problems.add(at + ".udpExpect: must not be empty; leave it out to accept any reply");
    }
  }

  private static void range(List<String> problems, String at, int value, int min, int max) {
    if (value < min || value > max) {
      problems.add(at + ": must be " + min + "-" + max + ", was " + value);
    }
  }

  private static boolean isPort(int port) {
    return port >= 1 && port <= 65535;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String quote(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }
}
