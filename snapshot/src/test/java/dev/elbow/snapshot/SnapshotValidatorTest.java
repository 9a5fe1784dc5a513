package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotValidatorTest {

  static HealthCheckConfig httpCheck() {
    return new HealthCheckConfig(
        true, HealthCheckProtocol.HTTP, null, 5, 3, 2, 3, "/healthz", null, "200-204");
  }

  static GroupConfig httpGroup(String name, MemberConfig... members) {
    return new GroupConfig(
        name, BackendProtocol.HTTP, Algorithm.ROUND_ROBIN, List.of(members), httpCheck());
  }

  @Test
  void acceptsAWellFormedSnapshot() {
    Snapshot snapshot =
        new Snapshot(
            7,
            List.of(new ListenerConfig("default/web", ListenerProtocol.HTTP, 8080, "default/web")),
            List.of(httpGroup("default/web", new MemberConfig("10.0.0.1", 80, 1))));
    assertThat(SnapshotValidator.validate(snapshot)).isEmpty();
  }

  @Test
  void onlyHttpListenersMayGoWithoutAGroup() {
    Snapshot snapshot =
        new Snapshot(
            3,
            List.of(
                new ListenerConfig("web/edge:80", ListenerProtocol.HTTP, 80, null),
                new ListenerConfig("web/db", ListenerProtocol.TCP, 5432, null)),
            List.of());
    assertThat(SnapshotValidator.validate(snapshot))
        .containsExactly(
            "listeners[1].group: a TCP listener needs a group; only HTTP and HTTPS listeners may"
                + " leave it out (requests no rule takes are then answered 404)");
  }

  @Test
  void namesEveryProblemWithItsPath() {
    GroupConfig tcpGroup =
        new GroupConfig(
            "default/db",
            BackendProtocol.TCP,
            Algorithm.QUIC_CID,
            List.of(
                new MemberConfig("db.example.com", 5432, 1),
                new MemberConfig("10.0.0.2", 0, 101),
                new MemberConfig("10.0.0.3", 5432, 1),
                new MemberConfig("10.0.0.3", 5432, 2)),
            new HealthCheckConfig(
                true, HealthCheckProtocol.UDP, 70000, 3, 3, 0, 11, "/", null, null));
    Snapshot snapshot =
        new Snapshot(
            0,
            List.of(
                new ListenerConfig("default/a", ListenerProtocol.HTTP, 80, "default/db"),
                new ListenerConfig("default/b", ListenerProtocol.TCP, 80, "default/missing")),
            List.of(tcpGroup));

    List<String> problems = SnapshotValidator.validate(snapshot);

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "version: must be positive, was 0",
            "groups[0].algorithm: QUIC_CID needs a QUIC group; use SOURCE_IP or ROUND_ROBIN",
            "groups[0].members[0].address: \"db.example.com\" is not an IPv4 or IPv6 address",
            "groups[0].members[1].port: must be 1-65535, was 0",
            "groups[0].members[1].weight: must be 0-100, was 101",
            "groups[0].members[3]: 10.0.0.3:5432 appears twice in the group",
            "groups[0].healthCheck.protocol: a TCP group is checked with TCP, HTTP, HTTPS or GRPC, not UDP",
            "groups[0].healthCheck.port: must be 1-65535, was 70000",
            "groups[0].healthCheck.timeoutSeconds: must be less than intervalSeconds (3), was 3",
            "groups[0].healthCheck.healthyThreshold: must be 1-10, was 0",
            "groups[0].healthCheck.unhealthyThreshold: must be 1-10, was 11",
            "groups[0].healthCheck: path, host and expectedCodes apply only to HTTP and HTTPS checks",
            "listeners[0].group: a HTTP listener cannot forward to the TCP group \"default/db\"; it"
                + " needs a HTTP group",
            "listeners[1].port: TCP 80 is already used by listener default/a",
            "listeners[1].group: no group named \"default/missing\" in this snapshot");
  }

  @Test
  void checksHttpFieldsOfHttpChecks() {
    GroupConfig group =
        new GroupConfig(
            "default/web",
            BackendProtocol.HTTP,
            Algorithm.ROUND_ROBIN,
            List.of(),
            new HealthCheckConfig(
                true, HealthCheckProtocol.HTTP, null, 5, 3, 2, 3, "health", "", "2xx"));
    List<String> problems = SnapshotValidator.validate(new Snapshot(1, List.of(), List.of(group)));
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "groups[0].healthCheck.path: must start with '/' and have 1-80 characters, was \"health\"",
            "groups[0].healthCheck.host: must have 1-100 characters",
            "groups[0].healthCheck.expectedCodes: \"2xx\" is not a list of status codes or ranges"
                + " like \"200,202-204\"");
  }

  @Test
  void disabledHealthCheckNeedsNoSettings() {
    GroupConfig group =
        new GroupConfig(
            "default/db",
            BackendProtocol.TCP,
            Algorithm.ROUND_ROBIN,
            List.of(),
            HealthCheckConfig.DISABLED);
    assertThat(SnapshotValidator.validate(new Snapshot(1, List.of(), List.of(group)))).isEmpty();
  }
}
