package dev.elbow.dataplane;

import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.SnapshotJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a data plane from the command line.
 *
 * <pre>
 * java -cp 'dataplane/target/lib/*:dataplane/target/elbow-dataplane.jar' dev.elbow.dataplane.DataPlaneMain \
 *   [--admin-port 9901] [--admin-address 0.0.0.0] [--listen-address 0.0.0.0] \
 *   [--admin-token-file FILE] [--snapshot FILE] [--io-threads N] [--transport auto|epoll|io_uring|nio]
 *   [--udp-max-flows 16384] [--max-connections N] [--drain-timeout-seconds 30] [--access-log]
 * </pre>
 *
 * On SIGTERM it drains: turns unready, stops accepting, lets the HTTP exchanges in flight finish
 * and waits up to {@code --drain-timeout-seconds} for the connections to end before it exits.
 *
 * <p>{@code --max-connections} caps the client connections open at once over every TCP, HTTP and
 * HTTPS listener; without it the cap is derived from the file descriptor limit.
 *
 * <p>The admin token comes from {@code --admin-token-file} or the {@code ELBOW_ADMIN_TOKEN}
 * environment variable; there is no default, so an admin API is never left open by mistake. The
 * access log (logger {@code elbow.access}) is off unless {@code --access-log} is given or {@code
 * ELBOW_ACCESS_LOG} is {@code true}; {@code ELBOW_LOG_FORMAT=json} makes every log line, the access
 * log's too, a JSON object (see logback.xml).
 */
public final class DataPlaneMain {

  private DataPlaneMain() {}

  public static void main(String[] args) throws Exception {
    int adminPort = 9901;
    String adminAddress = "0.0.0.0";
    String listenAddress = "0.0.0.0";
    String token = System.getenv("ELBOW_ADMIN_TOKEN");
    Path snapshotFile = null;
    int ioThreads = 0;
    Transport transport = Transport.best();
    int udpMaxFlows = 16_384;
    int maxConnections = 0;
    int drainSeconds = 30;
    boolean accessLog = "true".equalsIgnoreCase(System.getenv("ELBOW_ACCESS_LOG"));
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("-h") || flag.equals("--help")) {
        System.out.println(usage());
        return;
      }
      if (flag.equals("--access-log")) {
        accessLog = true; // the one flag without a value
        continue;
      }
      // Both "--flag value" and "--flag=value" (the chart writes the second).
      String value;
      int equals = flag.indexOf('=');
      if (flag.startsWith("--") && equals > 0) {
        value = flag.substring(equals + 1);
        flag = flag.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        fail(flag + " needs a value\n" + usage());
        return;
      }
      switch (flag) {
        case "--admin-port" -> adminPort = Integer.parseInt(value);
        case "--admin-address" -> adminAddress = value;
        case "--listen-address" -> listenAddress = value;
        case "--admin-token-file" -> token = Files.readString(Path.of(value)).trim();
        case "--snapshot" -> snapshotFile = Path.of(value);
        case "--io-threads" -> ioThreads = Integer.parseInt(value);
        case "--transport" -> transport = Transport.named(value);
        case "--udp-max-flows" -> udpMaxFlows = Integer.parseInt(value);
        case "--max-connections" -> maxConnections = Integer.parseInt(value);
        case "--drain-timeout-seconds" -> drainSeconds = Integer.parseInt(value);
        default -> fail("unknown option " + flag + "\n" + usage());
      }
    }
    if (token == null || token.isBlank()) {
      fail("no admin token: set ELBOW_ADMIN_TOKEN or pass --admin-token-file FILE");
    }
    DataPlaneOptions options =
        DataPlaneOptions.builder(token)
            .adminPort(adminPort)
            .adminAddress(adminAddress)
            .listenAddress(listenAddress)
            .ioThreads(ioThreads)
            .transport(transport)
            .udpMaxFlows(udpMaxFlows)
            .maxConnections(maxConnections)
            .accessLog(accessLog)
            .build();
    DataPlane dataPlane = DataPlane.start(options);
    if (snapshotFile != null) {
      applyFile(dataPlane, snapshotFile);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    int drain = drainSeconds;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // SIGTERM: finish what is in flight, then exit.
                  dataPlane.drain(Duration.ofSeconds(drain));
                  stopped.countDown();
                }));
    stopped.await();
  }

  private static void applyFile(DataPlane dataPlane, Path file) throws IOException {
    ApplyOutcome outcome = dataPlane.applyJson(Files.readAllBytes(file)).join();
    if (outcome.kind() != ApplyOutcome.Kind.APPLIED) {
      dataPlane.close();
      fail("cannot apply " + file + ":\n  " + String.join("\n  ", outcome.result().errors()));
    }
    System.out.println(
        "serving snapshot "
            + outcome.result().appliedVersion()
            + " from "
            + file
            + ": "
            + new String(SnapshotJson.toBytes(dataPlane.status()), StandardCharsets.UTF_8));
  }

  private static String usage() {
    return "usage: DataPlaneMain [--admin-port 9901] [--admin-address ADDR] [--listen-address ADDR]"
        + " [--admin-token-file FILE] [--snapshot FILE] [--io-threads N] [--transport auto|epoll|io_uring|nio]"
        + " [--udp-max-flows 16384] [--max-connections N] [--drain-timeout-seconds 30]"
        + " [--access-log]";
  }

  private static void fail(String message) {
    System.err.println("elbow-dataplane: " + message);
    System.exit(2);
  }
}
