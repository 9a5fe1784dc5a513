package dev.elbow.dataplane.testing;

import dev.elbow.dataplane.ApplyOutcome;
import dev.elbow.dataplane.DataPlane;
import dev.elbow.dataplane.DataPlaneOptions;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import java.net.URI;

/** A data plane on loopback with a known token, for tests. */
public final class TestDataPlane implements AutoCloseable {

  public static final String TOKEN = "test-token-0123456789";

  private final DataPlane dataPlane;

  private TestDataPlane(DataPlane dataPlane) {
    this.dataPlane = dataPlane;
  }

  public static TestDataPlane start() {
    return start(0);
  }

  /** A data plane whose admin API listens on this port (0 picks a free one). */
  public static TestDataPlane start(int adminPort) {
    return start("127.0.0.1", adminPort);
  }

  /** A data plane whose admin API listens on this address and port. */
  public static TestDataPlane start(String adminAddress, int adminPort) {
    return start(options().adminAddress(adminAddress).adminPort(adminPort));
  }

  /** Options for a test data plane: loopback, two event loops, an admin port picked freely. */
  public static DataPlaneOptions.Builder options() {
    return DataPlaneOptions.builder(TOKEN)
        .adminAddress("127.0.0.1")
        .adminPort(0)
        .listenAddress("127.0.0.1")
        .ioThreads(2);
  }

  public static TestDataPlane start(DataPlaneOptions.Builder options) {
    return new TestDataPlane(DataPlane.start(options.build()));
  }

  public DataPlane dataPlane() {
    return dataPlane;
  }

  /** The health of the member on this loopback port, as the first group reports it. */
  public MemberHealth memberHealth(int memberPort) {
    return dataPlane.status().groups().get(0).members().stream()
        .filter(m -> m.port() == memberPort)
        .findFirst()
        .orElseThrow();
  }

  /** How many times passive health ejected the member on this loopback port. */
  public double ejections(int memberPort) {
    return Scrape.value(
        dataPlane.metrics(), "elbow_member_ejections_total", "member", "127.0.0.1:" + memberPort);
  }

  /** The admin API's base address. */
  public URI adminUri() {
    return URI.create("http://127.0.0.1:" + dataPlane.adminPort());
  }

  /** The body of a GET on the admin API with the token, e.g. {@code /metrics}. */
  public String adminGet(String path) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(adminUri().resolve(path))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Applies the snapshot and fails unless it was applied. */
  public void apply(Snapshot snapshot) {
    ApplyOutcome outcome = dataPlane.apply(snapshot).join();
    if (outcome.kind() != ApplyOutcome.Kind.APPLIED
        && outcome.kind() != ApplyOutcome.Kind.UNCHANGED) {
      throw new AssertionError("snapshot refused: " + outcome);
    }
  }

  @Override
  public void close() {
    dataPlane.close();
  }
}
