package dev.elbow.dataplane.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady stream of HTTP/1.1 GETs over keep-alive connections (or a new connection each), counting
 * what the clients saw, while a test injects faults. A bare client on purpose: it never retries, so
 * every failure the load balancer lets through is counted (a library client may silently retry an
 * idempotent GET). Every failure counts, whatever it is: a status other than 2xx, an I/O error, a
 * status line that does not parse. {@link #stop} fails the test when the load did not hold (less
 * than 90% of the rate asked for) or a client thread died, since a claim of "0 failed" means
 * nothing without the load it was made under.
 */
public final class SteadyLoad implements AutoCloseable {

  /**
   * What the clients saw.
   *
   * @param sent requests sent
   * @param failed requests without a 2xx answer
   * @param reasons failures by reason (an HTTP status or an exception)
   * @param seconds how long the load ran
   * @param connections client connections in use
   * @param target the rate asked for, requests per second
   */
  public record Result(
      long sent,
      long failed,
      Map<String, Long> reasons,
      double seconds,
      int connections,
      int target) {

    /** The rate achieved, requests per second. */
    public double rate() {
      return sent / seconds;
    }

    /** "200 req/s (asked 200), 4 connections, 30 s". */
    public String load() {
      return String.format(
          Locale.ROOT,
          "%.0f req/s (asked %d), %d clients, %.0f s",
          rate(),
          target,
          connections,
          seconds);
    }

    /** The failures by reason, or nothing when there were none. */
    public String why() {
      return reasons.isEmpty() ? "" : "Failures: " + reasons;
    }
  }

  private final int port;
  private final String path;
  private final int connections;
  private final String host;
  private final long intervalNanos;
  private final int target;
  private final boolean newConnectionEach;
  private final LongAdder threadsDied = new LongAdder();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final long started = System.nanoTime();
  private Result result;

  private SteadyLoad(
      String host,
      int port,
      String path,
      int connections,
      int requestsPerSecond,
      boolean newConnectionEach) {
    this.host = host;
    this.port = port;
    this.path = path;
    this.connections = connections;
    this.target = requestsPerSecond;
    this.newConnectionEach = newConnectionEach;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) * connections / requestsPerSecond;
    for (int i = 0; i < connections; i++) {
      Thread thread = new Thread(this::runCounted, "steady-load-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Starts {@code connections} clients sending {@code requestsPerSecond} GETs in all. */
  public static SteadyLoad start(int port, String path, int connections, int requestsPerSecond) {
    return new SteadyLoad("127.0.0.1", port, path, connections, requestsPerSecond, false);
  }

  /** As {@link #start}, to {@code host} (a node's address, say). */
  public static SteadyLoad start(
      String host, int port, String path, int connections, int requestsPerSecond) {
    return new SteadyLoad(host, port, path, connections, requestsPerSecond, false);
  }

  /** As {@link #start}, each request on a new connection (as a browser's first request is). */
  public static SteadyLoad startNewConnectionEach(
      int port, String path, int clients, int requestsPerSecond) {
    return new SteadyLoad("127.0.0.1", port, path, clients, requestsPerSecond, true);
  }

  /** Requests sent so far. */
  public long sent() {
    return sent.sum();
  }

  /** Failures so far. */
  public long failed() {
    return failed.sum();
  }

  /**
   * Stops the clients (each finishes its request in progress) and returns what they saw.
   *
   * @throws AssertionError when the load did not hold: under 90% of the rate asked for, or a client
   *     thread died
   */
  public synchronized Result stop() {
    if (result == null) {
      running.set(false);
      for (Thread thread : threads) {
        try {
          thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Map<String, Long> counted = new TreeMap<>();
      reasons.forEach((reason, count) -> counted.put(reason, count.get()));
      result =
          new Result(
              sent.sum(),
              failed.sum(),
              counted,
              (System.nanoTime() - started) / 1e9,
              connections,
              target);
      if (threadsDied.sum() > 0 || threads.stream().anyMatch(Thread::isAlive)) {
        throw new AssertionError(
            "a load client thread died or did not stop: " + result.load() + " " + result.why());
      }
      if (result.rate() < 0.9 * target) {
        throw new AssertionError(
            "the load did not hold 90% of the rate asked for: "
                + result.load()
                + " "
                + result.why());
      }
    }
    return result;
  }

  @Override
  public void close() {
    stop();
  }

  private void runCounted() {
    try {
      run();
    } catch (Throwable e) {
      threadsDied.increment(); // stop() fails the test: this client's requests went uncounted
      throw e;
    }
  }

  private void run() {
    Socket socket = null;
    InputStream in = null;
    long next = System.nanoTime();
    byte[] request =
        ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    while (running.get()) {
      next += intervalNanos;
      sent.increment();
      try {
        if (socket == null) {
          socket = new Socket();
          socket.connect(new InetSocketAddress(host, port), 5_000);
          socket.setSoTimeout(10_000);
          in = new BufferedInputStream(socket.getInputStream());
        }
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        Response response = read(in);
        if (response.status / 100 != 2) {
          fail("HTTP " + response.status);
        }
        if (response.close || newConnectionEach) {
          socket.close();
          socket = null;
        }
      } catch (Exception e) {
        // Anything at all: a reset, a timeout, a status line that is not one.
        fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        closeQuietly(socket);
        socket = null;
      }
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // pacing the load, not waiting for a condition
      } else if (-wait > TimeUnit.SECONDS.toNanos(1)) {
        next = System.nanoTime(); // far behind (a stalled request): no burst to catch up
      }
    }
    closeQuietly(socket);
  }

  private void fail(String reason) {
    failed.increment();
    reasons.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  private record Response(int status, boolean close) {}

  /** Reads one response with a Content-Length (or none) body; chunked bodies are not expected. */
  private static Response read(InputStream in) throws IOException {
    String statusLine = HttpLines.read(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    long length = 0;
    boolean close = false;
    String header;
    while ((header = HttpLines.read(in)) != null && !header.isEmpty()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (header == null) {
      throw new IOException("connection closed in the response head");
    }
    for (long i = 0; i < length; i++) {
      if (in.read() < 0) {
        throw new IOException("connection closed in the response body");
      }
    }
    return new Response(status, close);
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
    }
  }
}
