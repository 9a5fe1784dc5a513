package dev.elbow.operator.push;

import dev.elbow.snapshot.ApplyResult;
import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.SnapshotJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Talks to one data plane's admin API; every call is asynchronous. */
public final class DataPlaneClient {

  private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final String authorization;

  public DataPlaneClient(String token, Executor executor) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(executor)
            .build();
    this.authorization = "Bearer " + token;
  }

  /**
   * The answer to a push.
   *
   * @param httpStatus 200 applied, 409 stale version, 422 refused, anything else a failure
   * @param result the data plane's answer; for failures, the reason in {@code errors}
   */
  public record PushResult(int httpStatus, ApplyResult result) {}

  /** Sends a snapshot, already in JSON. */
  public CompletableFuture<PushResult> push(URI dataPlane, byte[] snapshotJson) {
    HttpRequest request =
        HttpRequest.newBuilder(dataPlane.resolve("/v1/snapshot"))
            .timeout(PUSH_TIMEOUT)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(snapshotJson))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new PushResult(response.statusCode(), applyResult(response)));
  }

  private static ApplyResult applyResult(HttpResponse<byte[]> response) {
    try {
      return SnapshotJson.read(response.body(), ApplyResult.class);
    } catch (IOException | RuntimeException e) {
      // Not an answer the operator understands: the link treats anything but a well-formed
      // 200, 409 or 422 as a failure and retries with backoff.
      return new ApplyResult(-1, List.of("unreadable answer, HTTP " + response.statusCode()));
    }
  }

  /**
   * The data plane's status; with {@code after >= 0}, waits up to {@code waitSeconds} for a
   * revision newer than {@code after}, which the status of {@code instance} carried.
   */
  public CompletableFuture<DataPlaneStatus> status(
      URI dataPlane, String instance, long after, int waitSeconds) {
    String query =
        "?after="
            + after
            + "&waitSeconds="
            + waitSeconds
            + (instance == null ? "" : "&instance=" + instance);
    HttpRequest request =
        HttpRequest.newBuilder(dataPlane.resolve("/v1/status" + query))
            .timeout(Duration.ofSeconds(waitSeconds + 15L))
            .header("Authorization", authorization)
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "HTTP " + response.statusCode() + " from " + dataPlane);
              }
              try {
                return SnapshotJson.read(response.body(), DataPlaneStatus.class);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }
}
