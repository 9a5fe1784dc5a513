package dev.elbow.dataplane.reliability;

import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2TestClient;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.StreamingMember;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One GiB down and one GiB up a single HTTP/2 stream (HTTPS listener, h2 by ALPN) through a data
 * plane in a process of its own, run as the chart runs it (the image's JVM options, a 1 GiB memory
 * limit), while its resident set is sampled: the stream's memory is bounded by the flow-control
 * windows, so the resident set grows by less than 64 MiB over what a 16 MiB warm-up left (the
 * gathering HTTP/2 path it replaced held whole bodies).
 */
@Tag("reliability")
class Http2LargeStreamMemoryTest {

  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;
  private static final long LIMIT = 64 * MIB;

  /**
   * The data plane as the chart runs it: the image's JAVA_TOOL_OPTIONS, read from
   * images/dataplane.Dockerfile, and the chart's default memory limit, 1 GiB, which a JVM in a pod
   * reads from its cgroup and which is given here as MaxRAM.
   */
  private static List<String> imageJvmOptions() throws IOException {
    Path dockerfile = Path.of("..", "images", "dataplane.Dockerfile");
    String options =
        Files.readAllLines(dockerfile).stream()
            .filter(l -> l.startsWith("ENV JAVA_TOOL_OPTIONS="))
            .map(l -> l.substring(l.indexOf('"') + 1, l.lastIndexOf('"')))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no JAVA_TOOL_OPTIONS in " + dockerfile));
    List<String> all = new java.util.ArrayList<>(List.of(options.split(" ")));
    all.add("-XX:MaxRAM=1g");
    return all;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aGibibyteEachWayGrowsTheResidentSetByLessThan64MiB() throws Exception {
    int port = FreePorts.next();
    int adminPort = FreePorts.next();
    try (StreamingMember member = new StreamingMember()) {
      Path snapshot = Files.createTempFile("elbow-snapshot", ".json");
      Files.write(
          snapshot,
          SnapshotJson.toBytes(
              new Snapshot(
                  1,
                  List.of(
                      new ListenerConfig(
                          "ns/tls",
                          ListenerProtocol.HTTPS,
                          port,
                          "ns/web",
                          ListenerTimeouts.DEFAULTS,
                          List.of(certificate("default")))),
                  List.of(uncheckedGroup("ns/web", BackendProtocol.HTTP, member.port())))));
      Process dataPlane = start(snapshot, adminPort);
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> accepting(port));
        try (H2TestClient client = H2TestClient.tls(port)) {
          download(client, 16 * MIB);
          upload(client, 16 * MIB);
          long baseline = rss(dataPlane.pid());
          AtomicLong peak = new AtomicLong(baseline);
          sampler.scheduleAtFixedRate(
              () -> peak.accumulateAndGet(rss(dataPlane.pid()), Math::max),
              0,
              100,
              TimeUnit.MILLISECONDS);
          long start = System.nanoTime();
          download(client, GIB);
          long downloaded = System.nanoTime();
          upload(client, GIB);
          long uploaded = System.nanoTime();
          sampler.shutdown();
          sampler.awaitTermination(5, TimeUnit.SECONDS);
          long growth = peak.get() - baseline;
          ReliabilityRows.record(
              "1 GiB down and 1 GiB up one HTTP/2 stream",
              String.format(
                  "one h2 stream over TLS; %.0f MiB/s down, %.0f MiB/s up",
                  GIB / (double) MIB / ((downloaded - start) / 1e9),
                  GIB / (double) MIB / ((uploaded - downloaded) / 1e9)),
              "none; the data plane in its own process, with the image's JVM options and the"
                  + " chart's 1 GiB memory limit",
              2,
              0,
              String.format(
                  "both whole; resident set %d MiB after a 16 MiB warm-up, at most %d MiB while"
                      + " streaming (growth %d MiB, limit 64)",
                  baseline / MIB, peak.get() / MIB, growth / MIB));
          assertThat(growth).as("resident set growth in bytes").isLessThan(LIMIT);
        }
      } finally {
        sampler.shutdownNow();
        dataPlane.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(snapshot);
      }
    }
  }

  private static Process start(Path snapshot, int adminPort) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(imageJvmOptions());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.elbow.dataplane.DataPlaneMain",
            "--snapshot",
            snapshot.toString(),
            "--admin-port",
            Integer.toString(adminPort),
            "--admin-address",
            "127.0.0.1",
            "--listen-address",
            "127.0.0.1",
            "--io-threads",
            "1"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("ELBOW_ADMIN_TOKEN", "test-token-0123456789");
    return builder.start();
  }

  private static void download(H2TestClient client, long bytes) throws Exception {
    var stream = client.open(H2TestClient.request("GET", "/download/" + bytes), true, true);
    stream.await(240);
    assertThat(stream.status()).isEqualTo("200");
    assertThat(stream.bodyBytes()).isEqualTo(bytes);
  }

  private static void upload(H2TestClient client, long bytes) throws Exception {
    var stream = client.open(H2TestClient.request("POST", "/upload"), false, true);
    byte[] piece = new byte[1 << 20];
    for (long sent = 0; sent < bytes; sent += piece.length) {
      stream.send(piece, sent + piece.length >= bytes);
    }
    stream.await(240);
    assertThat(stream.status()).isEqualTo("200");
    assertThat(stream.text()).isEqualTo("bytes=" + bytes);
  }

  private static boolean accepting(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The resident set of a process, from /proc. */
  private static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }
}
