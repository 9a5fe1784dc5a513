package dev.elbow.standalone;

import dev.elbow.dataplane.DataPlaneOptions;
import dev.elbow.dataplane.demo.DemoBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs Elbow on one machine without Kubernetes.
 *
 * <pre>
 * StandaloneMain [--config DIR] [--demo] [--admin-port 9901] [--listen-address 127.0.0.1]
 *                [--access-log]
 * </pre>
 *
 * {@code --access-log} (or {@code ELBOW_ACCESS_LOG=true}) logs every request, connection and flow;
 * {@code ELBOW_LOG_FORMAT=json} makes every log line a JSON object.
 *
 * <p>{@code --demo} also starts three demo backends on 127.0.0.1:18081-18083 and, without {@code
 * --config}, serves {@code examples/standalone}, whose group uses them. The admin token is {@code
 * ELBOW_ADMIN_TOKEN}, or a random one printed at start.
 */
public final class StandaloneMain {

  private StandaloneMain() {}

  public static void main(String[] args) throws Exception {
    Path config = null;
    boolean demo = false;
    int adminPort = 9901;
    String listenAddress = "127.0.0.1";
    boolean accessLog = "true".equalsIgnoreCase(System.getenv("ELBOW_ACCESS_LOG"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> config = Path.of(args[++i]);
        case "--demo" -> demo = true;
        case "--access-log" -> accessLog = true;
        case "--admin-port" -> adminPort = Integer.parseInt(args[++i]);
        case "--listen-address" -> listenAddress = args[++i];
        case "-h", "--help" -> {
          System.out.println(usage());
          return;
        }
        default -> {
          System.err.println("unknown option " + args[i] + "\n" + usage());
          System.exit(2);
        }
      }
    }
    if (config == null && demo) {
      config = Path.of("examples", "standalone");
    }
    if (config == null || !Files.isDirectory(config)) {
      System.err.println("--config DIR must name a folder of YAML files\n" + usage());
      System.exit(2);
    }
    List<DemoBackend> backends = new ArrayList<>();
    if (demo) {
      for (int n = 1; n <= 3; n++) {
        backends.add(DemoBackend.http("backend-" + n, 18080 + n));
      }
      System.out.println("demo backends: backend-1..3 on 127.0.0.1:18081-18083");
    }
    String token = System.getenv("ELBOW_ADMIN_TOKEN");
    if (token == null || token.isBlank()) {
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      token = HexFormat.of().formatHex(random);
    }
    DataPlaneOptions options =
        DataPlaneOptions.builder(token)
            .listenAddress(listenAddress)
            .adminAddress("127.0.0.1")
            .adminPort(adminPort)
            .accessLog(accessLog)
            .build();
    Standalone standalone = Standalone.start(config, options, System.out::println);
    System.out.println(
        "admin API on 127.0.0.1:"
            + standalone.dataPlane().adminPort()
            + ": curl -H 'Authorization: Bearer "
            + token
            + "' http://127.0.0.1:"
            + standalone.dataPlane().adminPort()
            + "/v1/status");
    System.out.println("watching " + config + " for changes; Ctrl-C stops");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  standalone.close();
                  backends.forEach(DemoBackend::close);
                  stopped.countDown();
                }));
    stopped.await();
  }

  private static String usage() {
    return "usage: StandaloneMain [--config DIR] [--demo] [--admin-port 9901]"
        + " [--listen-address 127.0.0.1] [--access-log]";
  }
}
