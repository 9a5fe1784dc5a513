package dev.elbow.operator.it;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TestDataPlane;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator as the image runs it, {@code OperatorMain} in a process of its own (this JVM's class
 * path), configured by the same environment variables as the chart sets, so that a test can SIGKILL
 * it or cut its line to the API server while it runs, and its own lost-Lease path decides what it
 * does.
 */
final class OperatorProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final Path kubeconfig;
  final String identity;

  private OperatorProcess(Process process, Path log, Path kubeconfig, String identity) {
    this.process = process;
    this.log = log;
    this.kubeconfig = kubeconfig;
    this.identity = identity;
  }

  /**
   * Starts an operator.
   *
   * @param identity its name, and its identity on the Lease
   * @param apiServer the API server URL it reaches (the shared one, or a fault proxy before it)
   * @param dataPlane the admin API it pushes to
   * @param namespace the one namespace it watches
   * @param lease {@code namespace/name} of the leader Lease, or null to work without election
   */
  static OperatorProcess start(
      String identity, URI apiServer, URI dataPlane, String namespace, String lease)
      throws IOException {
    Path kubeconfig = Files.createTempFile("elbow-operator-", ".kubeconfig");
    Files.writeString(
        kubeconfig, KubeCluster.kubeconfig().replaceAll("server: \\S+", "server: " + apiServer));
    Path log = Files.createTempFile("elbow-operator-" + identity + "-", ".log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "dev.elbow.operator.OperatorMain");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("ELBOW_ADMIN_TOKEN", TestDataPlane.TOKEN);
    builder.environment().put("ELBOW_DATAPLANE_ENDPOINTS", dataPlane.toString());
    builder.environment().put("ELBOW_WATCH_NAMESPACES", namespace);
    builder.environment().put("ELBOW_METRICS_PORT", Integer.toString(FreePorts.next()));
    if (lease != null) {
      builder.environment().put("ELBOW_LEADER_ELECTION_LEASE", lease);
      builder.environment().put("ELBOW_LEADER_ELECTION_IDENTITY", identity);
      // Lease 10 s, renew deadline 8 s, retry every 1 s.
      builder.environment().put("ELBOW_LEADER_ELECTION_TIMINGS", "10,8,1");
    }
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new OperatorProcess(builder.start(), log, kubeconfig, identity);
  }

  /** SIGKILL, as the kernel's OOM killer or a node failure would; waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The exit code once the process has ended by itself within {@code within}, else null. */
  Integer awaitExit(Duration within) throws InterruptedException {
    return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    kill();
    Files.deleteIfExists(log);
    Files.deleteIfExists(kubeconfig);
  }
}
