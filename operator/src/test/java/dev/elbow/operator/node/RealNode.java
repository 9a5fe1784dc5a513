package dev.elbow.operator.node;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The single-node cluster of {@code scripts/node.sh}, shared by every {@code *NodeIT} of a run:
 * brought up (building what is missing) on first use, with Elbow's images built by {@code
 * scripts/images.sh} and imported, and taken down when the JVM exits (unless ELBOW_NODE_KEEP=1, to
 * look around afterwards).
 *
 * <p>A machine that cannot run a node (not root, no cgroups) skips these tests with the reason;
 * with ELBOW_REQUIRE_NODE=1, as {@code .ci/run} sets, it fails them instead, so CI never skips.
 */
public final class RealNode {

  /** The node's address, reachable from this machine over the veth pair the script made. */
  public static final String NODE_IP = "10.250.0.2";

  /** The tag scripts/images.sh gave the images (the project version, the chart's appVersion). */
  public static final String IMAGE_TAG = "0.1.0-SNAPSHOT";

  private static RealNode shared;

  private final KubernetesClient client;
  private final Path kubeconfig;

  private RealNode(Path kubeconfig) throws IOException {
    this.kubeconfig = kubeconfig;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build();
  }

  /** The node, up and with the images imported; skips (or fails in CI) where it cannot run. */
  public static synchronized RealNode get() throws Exception {
    if (shared != null) {
      return shared;
    }
    Result check = script("node.sh", "check");
    if (check.code != 0) {
      String reason = "this machine cannot run a Kubernetes node: " + check.out.strip();
      if ("1".equals(System.getenv("ELBOW_REQUIRE_NODE"))) {
        throw new IllegalStateException(reason + " (ELBOW_REQUIRE_NODE=1: not skipped)");
      }
      Assumptions.abort(reason);
    }
    Result up = script("node.sh", "up");
    require(up, "scripts/node.sh up");
    if (!"1".equals(System.getenv("ELBOW_NODE_KEEP"))) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      script("node.sh", "down");
                    } catch (Exception e) {
                      System.err.println("scripts/node.sh down failed: " + e);
                    }
                  }));
    }
    Result images = script("images.sh", IMAGE_TAG);
    require(images, "scripts/images.sh");
    require(script("node.sh", "import", lastLine(images.out)), "scripts/node.sh import");
    shared = new RealNode(Path.of(lastLine(up.out)));
    return shared;
  }

  /**
   * Sends SIGKILL to a container's process from the node's containerd: a real kill, not a pod
   * deletion with a grace period.
   *
   * @param containerId the pod status's containerID, with or without "containerd://"
   */
  public void sigkill(String containerId) throws IOException, InterruptedException {
    String id = containerId.replaceFirst("^containerd://", "");
    require(script("node.sh", "ctr", "tasks", "kill", "-s", "SIGKILL", id), "ctr tasks kill");
  }

  /**
   * A container's memory cgroup (v1, as on these machines: containerd with the cgroupfs driver puts
   * each container in {@code k8s.io/<id>}): its limit and the most it has used, in bytes.
   */
  public record Memory(long limit, long peak) {}

  /** The memory cgroup figures of a container, by the pod status's containerID. */
  public Memory memory(String containerId) throws IOException {
    Path cgroup =
        Path.of("/sys/fs/cgroup/memory/k8s.io", containerId.replaceFirst("^containerd://", ""));
    return new Memory(
        Long.parseLong(Files.readString(cgroup.resolve("memory.limit_in_bytes")).trim()),
        Long.parseLong(Files.readString(cgroup.resolve("memory.max_usage_in_bytes")).trim()));
  }

  /** Builds the images again under another tag and imports them (an upgrade's new version). */
  public void importImages(String tag) throws IOException, InterruptedException {
    Result images = script("images.sh", tag);
    require(images, "scripts/images.sh " + tag);
    require(script("node.sh", "import", lastLine(images.out)), "scripts/node.sh import");
  }

  public KubernetesClient client() {
    return client;
  }

  /** The kubeconfig contents, for Helm. */
  public String kubeconfig() throws IOException {
    return Files.readString(kubeconfig);
  }

  /** The repository's root (the tests run in operator/). */
  public static Path repository() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  private record Result(int code, String out) {}

  /** Runs scripts/NAME; its stderr (progress) goes to the test's, its stdout is returned. */
  private static Result script(String name, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", "scripts/" + name));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(repository().toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(40, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return new Result(-1, out + "\n(timed out)");
    }
    return new Result(process.exitValue(), out);
  }

  private static void require(Result result, String what) {
    if (result.code != 0) {
      throw new IllegalStateException(what + " failed (exit " + result.code + "): " + result.out);
    }
  }

  private static String lastLine(String out) {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
