package dev.elbow.operator.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.GroupHealth;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthViewTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private static DataPlaneStatus report(MemberHealth... members) {
    return new DataPlaneStatus(
        "i", 1, 1, List.of(), List.of(new GroupHealth("ns/web", List.of(members))));
  }

  private static MemberHealth member(String address, HealthState state, String reason) {
    return new MemberHealth(address, 80, state, reason, NOW);
  }

  @Test
  void aMemberIsOnlyAsHealthyAsTheWorstReport() {
    Map<String, Map<String, MemberHealth>> merged =
        HealthView.merge(
            List.of(
                report(
                    member("10.0.0.1", HealthState.HEALTHY, null),
                    member("10.0.0.2", HealthState.HEALTHY, null)),
                report(
                    member("10.0.0.1", HealthState.UNHEALTHY, "timeout after 3s"),
                    member("10.0.0.2", HealthState.HEALTHY, null))));
    assertThat(merged.get("ns/web").get("10.0.0.1:80").state()).isEqualTo(HealthState.UNHEALTHY);
    assertThat(merged.get("ns/web").get("10.0.0.1:80").reason()).isEqualTo("timeout after 3s");
    assertThat(merged.get("ns/web").get("10.0.0.2:80").state()).isEqualTo(HealthState.HEALTHY);
  }

  @Test
  void aMemberNotYetReportedByEveryDataPlaneIsUnknown() {
    Map<String, Map<String, MemberHealth>> merged =
        HealthView.merge(
            List.of(
                report(member("10.0.0.1", HealthState.HEALTHY, null)),
                new DataPlaneStatus("j", 0, 1, List.of(), List.of())));
    assertThat(merged.get("ns/web").get("10.0.0.1:80").state()).isEqualTo(HealthState.UNKNOWN);
  }

  @Test
  void ipv6MembersAreKeyedWithBrackets() {
    Map<String, Map<String, MemberHealth>> merged =
        HealthView.merge(
            List.of(report(new MemberHealth("fd00::1", 80, HealthState.HEALTHY, null, NOW))));
    assertThat(merged.get("ns/web")).containsKey("[fd00::1]:80");
  }

  @Test
  void countsTheDataPlanesThatFindEachMemberHealthy() {
    List<DataPlaneStatus> reports =
        List.of(
            report(
                member("10.0.0.1", HealthState.HEALTHY, null),
                member("10.0.0.2", HealthState.UNHEALTHY, "connection refused")),
            report(
                member("10.0.0.1", HealthState.UNHEALTHY, "timeout after 3s"),
                member("10.0.0.2", HealthState.UNHEALTHY, "connection refused")),
            report(
                member("10.0.0.1", HealthState.HEALTHY, null),
                member("10.0.0.2", HealthState.HEALTHY, null)));
    assertThat(HealthView.healthyCounts(reports).get("ns/web"))
        .containsEntry("10.0.0.1:80", 2)
        .containsEntry("10.0.0.2:80", 1);
    // The status shows the worst, and how many agree it is healthy.
    assertThat(HealthView.merge(reports).get("ns/web").get("10.0.0.1:80").state())
        .isEqualTo(HealthState.UNHEALTHY);
  }
}
