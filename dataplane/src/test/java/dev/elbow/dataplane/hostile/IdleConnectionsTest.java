package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.elbow.dataplane.testing.IdleClients;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.Scrape;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.ListenerTimeouts;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 10,000 idle client connections on an HTTP listener: all accepted and counted, the heap grows by a
 * bounded amount per connection, and a new client is served at once meanwhile. The clients are
 * another process, so the data plane's file descriptors are its own.
 */
@Tag("reliability")
class IdleConnectionsTest {

  private static final int IDLE = 10_000;

  /** Heap the data plane may use per idle connection, after a full collection. */
  private static final long BYTES_PER_CONNECTION = 8 * 1024;

  @Test
  void tenThousandIdleConnectionsAreHeldAndANewClientIsServed() throws Exception {
    long descriptors =
        ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getMaxFileDescriptorCount();
    assumeThat(descriptors)
        .as("open files limit (ulimit -n): %d connections need about %d", IDLE, IDLE + 2_000)
        .isGreaterThanOrEqualTo(IDLE + 2_000L);
    // Headroom over the idle ones; the default limit assumes two descriptors a connection.
    try (HostileHttp http =
        new HostileHttp(
            TestDataPlane.start(TestDataPlane.options().maxConnections(IDLE + 100)),
            ListenerTimeouts.DEFAULTS)) {
      long before = usedHeapAfterGc();
      long start = System.nanoTime();
      try (IdleClients clients = IdleClients.start(http.port, IDLE)) {
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        await().atMost(Duration.ofSeconds(30)).until(() -> active(http) == IDLE);
        long grown = usedHeapAfterGc() - before;
        long started = System.nanoTime();
        String answer =
            RawHttp.exchange(
                http.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2_000);
        long servedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(grown)
            .as("heap grown by %d idle connections", IDLE)
            .isLessThan(IDLE * BYTES_PER_CONNECTION);
        assertThat(clients.connected()).isEqualTo(IDLE);
        assertThat(Scrape.value(http.metrics(), "elbow_listener_connections_accepted_total"))
            .isEqualTo(IDLE + 1);
        assertThat(http.dataPlane.dataPlane().connections().open()).isEqualTo(IDLE);
        clients.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> active(http) == 0);
        assertThat(http.dataPlane.dataPlane().connections().open()).isZero();
        ReliabilityRows.record(
            "10,000 idle connections",
            IDLE + " idle HTTP connections (opened in " + Math.round(connectSeconds) + " s)",
            "clients that connect and send nothing",
            IDLE + 1,
            0,
            String.format(
                "all accepted and counted; heap +%d MB (%d bytes a connection); a new request"
                    + " meanwhile 200 in %d ms; all released after",
                grown >> 20, grown / IDLE, servedMillis));
      }
    }
  }

  private static double active(HostileHttp http) throws Exception {
    return Scrape.value(http.metrics(), "elbow_listener_connections_active");
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
