package dev.elbow.operator.it;

import dev.elbow.dataplane.testing.TestDataPlane;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A data plane in a process of its own (DataPlaneMain, this JVM's class path), so that a test can
 * kill it as the kernel would (SIGKILL) or stop it as Kubernetes does (SIGTERM).
 */
final class DataPlaneProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Process process;
  private final int adminPort;
  final Path log;

  private DataPlaneProcess(Process process, int adminPort, Path log) {
    this.process = process;
    this.adminPort = adminPort;
    this.log = log;
  }

  /** Starts DataPlaneMain with its admin API on {@code adminPort}, listeners on loopback. */
  static DataPlaneProcess start(int adminPort, String... extraArgs) throws IOException {
    Path log = Files.createTempFile("elbow-dataplane-", ".log");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.elbow.dataplane.DataPlaneMain",
                "--admin-address",
                "127.0.0.1",
                "--admin-port",
                Integer.toString(adminPort),
                "--listen-address",
                "127.0.0.1"));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("ELBOW_ADMIN_TOKEN", TestDataPlane.TOKEN);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new DataPlaneProcess(builder.start(), adminPort, log);
  }

  URI adminUri() {
    return URI.create("http://127.0.0.1:" + adminPort);
  }

  /** The status code of an open admin path ({@code /healthz}, {@code /readyz}), or -1. */
  int probe(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(adminUri().resolve(path))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGKILL, and waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM; the process then shuts down by itself. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the process to exit and returns its exit code, or null if it is still running. */
  Integer awaitExit(Duration within) throws InterruptedException {
    return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  boolean alive() {
    return process.isAlive();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
    new File(log.toString()).delete();
  }
}
