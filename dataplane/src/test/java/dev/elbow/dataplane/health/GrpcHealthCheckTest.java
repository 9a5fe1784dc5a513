package dev.elbow.dataplane.health;

import static dev.elbow.dataplane.testing.Snapshots.http2Group;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.GrpcEcho;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC health checks against grpc-java's own {@code grpc.health.v1} service: a member is healthy
 * while it answers SERVING for the service name, and its reason says what it answered otherwise.
 */
class GrpcHealthCheckTest {

  private TestDataPlane dataPlane;
  private GrpcEcho echo;

  @BeforeEach
  void start() throws Exception {
    echo = new GrpcEcho();
    dataPlane = TestDataPlane.start();
  }

  @AfterEach
  void stop() throws Exception {
    dataPlane.close();
    echo.close();
  }

  private void check(String service) {
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(),
            List.of(
                http2Group(
                    "ns/grpc",
                    Algorithm.ROUND_ROBIN,
                    new HealthCheckConfig(
                        true,
                        HealthCheckProtocol.GRPC,
                        null,
                        2,
                        1,
                        1,
                        1,
                        null,
                        null,
                        null,
                        null,
                        null,
                        service),
                    echo.port()))));
  }

  /**
   * Waits for the state with this reason: on a loaded machine a first check may time out (1 s)
   * before the member's own answer decides, which is a reason of its own.
   */
  private void eventually(HealthState state, String reason) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              MemberHealth health = dataPlane.memberHealth(echo.port());
              assertThat(health.state()).isEqualTo(state);
              assertThat(health.reason()).contains(reason);
            });
  }

  private MemberHealth eventually(HealthState state) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> dataPlane.memberHealth(echo.port()).state() == state);
    return dataPlane.memberHealth(echo.port());
  }

  @Test
  void servingIsHealthyAndNotServingIsNot() {
    echo.health().setStatus("test.Echo", ServingStatus.SERVING);
    check("test.Echo");
    eventually(HealthState.HEALTHY);

    echo.health().setStatus("test.Echo", ServingStatus.NOT_SERVING);
    eventually(HealthState.UNHEALTHY, "serving status NOT_SERVING");

    echo.health().setStatus("test.Echo", ServingStatus.SERVING);
    eventually(HealthState.HEALTHY);
  }

  @Test
  void theServerAsAWholeIsAskedWithoutAName() {
    check(null); // grpc-java's manager answers SERVING for "" from the start
    eventually(HealthState.HEALTHY);
  }

  @Test
  void anUnknownServiceSaysSo() {
    check("no.Such");
    eventually(HealthState.UNHEALTHY, "gRPC status 5");
  }
}
