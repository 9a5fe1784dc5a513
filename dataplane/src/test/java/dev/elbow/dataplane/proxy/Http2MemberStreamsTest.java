package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.http2Group;
import static dev.elbow.dataplane.testing.Snapshots.httpsAndHttp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2TestClient;
import dev.elbow.dataplane.testing.H2cMember;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.HealthCheckConfig;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 clients of a group whose members speak HTTP/2: each stream is a stream of a pooled member
 * connection, end to end, with the member's flow-control window as the back-pressure between them.
 */
class Http2MemberStreamsTest {

  private static final long MIB = 1 << 20;

  private TestDataPlane dataPlane;
  private H2cMember member;
  private int httpsPort;
  private int httpPort;

  @BeforeEach
  void start() throws Exception {
    member = new H2cMember();
    dataPlane = TestDataPlane.start();
    httpsPort = FreePorts.next();
    httpPort = FreePorts.next();
    dataPlane.apply(
        httpsAndHttp(
            httpsPort,
            httpPort,
            http2Group("ns/h2", Algorithm.ROUND_ROBIN, HealthCheckConfig.DISABLED, member.port())));
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    member.close();
  }

  private H2TestClient client(String listener) throws Exception {
    return listener.equals("h2") ? H2TestClient.tls(httpsPort) : H2TestClient.cleartext(httpPort);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aLargeDownloadFromAnHttp2MemberPassesWhole(String listener) throws Exception {
    long size = 64 * MIB;
    try (H2TestClient client = client(listener)) {
      H2TestClient.Stream stream =
          client.open(H2TestClient.request("GET", "/download/" + size), true, true).await(60);
      assertThat(stream.status()).isEqualTo("200");
      assertThat(stream.bodyBytes()).isEqualTo(size);
      assertThat(stream.resetCode()).isEqualTo(-1);
    }
  }

  /**
   * A client that reads nothing stops the member: the proxy gives the member's stream window back
   * only as the client takes the bytes, so at most a window or so waits in between.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aClientThatStopsReadingStopsTheHttp2Member(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      H2TestClient.Stream stream =
          client.open(H2TestClient.request("GET", "/download/" + 256 * MIB), true, false);
      assertThat(stream.head(10).status()).hasToString("200");
      awaitStill(member::sent);
      assertThat(member.sent())
          .as("bytes the member could send while the client read none")
          .isLessThan(8 * MIB);
      stream.cancel();
    }
  }

  /**
   * A member that resets its stream mid-response cuts that client stream; the next one is served.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aStreamTheMemberResetsIsCutAndTheConnectionGoesOn(String listener) throws Exception {
    try (H2TestClient client = client(listener)) {
      H2TestClient.Stream cut =
          client.open(H2TestClient.request("GET", "/reset-after/100000"), true, true).await(30);
      assertThat(cut.status()).isEqualTo("200");
      assertThat(cut.resetCode()).as("the client stream is reset, not ended").isNotEqualTo(-1);
      H2TestClient.Stream next =
          client.open(H2TestClient.request("GET", "/download/1000"), true, true).await(30);
      assertThat(next.status()).isEqualTo("200");
      assertThat(next.bodyBytes()).isEqualTo(1000);
    }
    assertThat(member.connections()).as("the member connection carried both").isEqualTo(1);
  }

  /** Waits until a count of bytes stops moving: whatever was blocking has blocked. */
  private static void awaitStill(java.util.function.LongSupplier bytes) {
    long[] last = {-1};
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = bytes.getAsLong();
              boolean still = now == last[0] && now > 0;
              last[0] = now;
              return still;
            });
  }
}
