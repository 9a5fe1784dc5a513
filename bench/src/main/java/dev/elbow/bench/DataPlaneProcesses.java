package dev.elbow.bench;

import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.SnapshotJson;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The data planes of the control-plane benchmark, each a separate JVM so that the heap and CPU
 * reported for the operator are the operator's alone, and their status over the admin API.
 */
final class DataPlaneProcesses implements AutoCloseable {

  private final String token;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  DataPlaneProcesses(String token) {
    this.token = token;
  }

  URI start(String listenAddress, String name) throws IOException {
    int adminPort = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m",
                "-Xmx1g",
                "-XX:+UseParallelGC",
                "-Dio.netty.leakDetection.level=disabled",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.elbow.dataplane.DataPlaneMain",
                "--admin-address",
                "127.0.0.1",
                "--admin-port",
                String.valueOf(adminPort),
                "--listen-address",
                listenAddress,
                "--io-threads",
                "1")
            .redirectErrorStream(true)
            .redirectOutput(
                Path.of(System.getProperty("java.io.tmpdir"), "elbow-bench-" + name + ".log")
                    .toFile());
    builder.environment().put("ELBOW_ADMIN_TOKEN", token);
    processes.add(builder.start());
    URI admin = URI.create("http://127.0.0.1:" + adminPort);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (status(admin) == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("data plane " + name + " did not start; see its log");
      }
      sleepQuietly(100);
    }
    return admin;
  }

  DataPlaneStatus status(URI admin) {
    return status(admin, -1);
  }

  /** The data plane's status; with {@code after} >= 0, once its revision is past that. */
  DataPlaneStatus status(URI admin, long after) {
    String query = after < 0 ? "" : "?waitSeconds=10&after=" + after;
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(admin.resolve("/v1/status" + query))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return response.statusCode() == 200
          ? SnapshotJson.read(response.body(), DataPlaneStatus.class)
          : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Waits until the data plane serves {@code count} groups, with the status long-poll: a status
   * (MBs at this scale) is sent only when it changed, so watching does not load the data plane.
   */
  void awaitServedGroups(URI admin, int count, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    long revision = -1;
    while (System.nanoTime() < deadline) {
      DataPlaneStatus status = status(admin, revision);
      if (status == null) {
        sleepQuietly(100);
        continue;
      }
      if (status.groups().size() >= count) {
        return;
      }
      revision = status.revision();
    }
    throw new IllegalStateException(
        "the data plane did not serve " + count + " groups in " + limit);
  }

  @Override
  public void close() {
    processes.forEach(Process::destroy);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis); // pacing polls of a starting process, not a test waiting for a result
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
