package dev.elbow.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's own small HTTP port: {@code /metrics} for Prometheus, {@code /healthz} for the
 * liveness probe and {@code /readyz} for the readiness probe. The JDK's HTTP server is enough for a
 * few scrapes and probes a minute, and adds no dependency.
 */
public final class OperatorHttpServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  private OperatorHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code port} (0 picks a free one).
   *
   * @param ready whether the operator is ready: it leads and has started, or it waits as a standby
   */
  public static OperatorHttpServer start(int port, OperatorMetrics metrics, BooleanSupplier ready)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "elbow-operator-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange -> reply(exchange, 200, "text/plain; version=0.0.4", metrics.scrape()));
    server.createContext("/healthz", exchange -> reply(exchange, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          boolean now = ready.getAsBoolean();
          reply(exchange, now ? 200 : 503, "text/plain", now ? "ready\n" : "starting\n");
        });
    server.start();
    return new OperatorHttpServer(server, executor);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
