package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Clients that do what one user's requests may do to a load balancer (ask for a slow or broken
 * answer, trickle a body), over and over on bare sockets beside an innocent load, counting the
 * status each got (or the exception's class).
 */
public final class Offenders implements AutoCloseable {

  /** What one offender sends; {@code i} counts its attempts. Returns the status, or throws. */
  public interface Attempt {
    int run(int port, int i) throws IOException;
  }

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();

  private Offenders(int port, int clients, long pauseMillis, Attempt attempt) {
    for (int c = 0; c < clients; c++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; running.get(); i++) {
                  String outcome;
                  try {
                    outcome = Integer.toString(attempt.run(port, i));
                  } catch (IOException | RuntimeException e) {
                    outcome = e.getClass().getSimpleName();
                  }
                  outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                  sleep(pauseMillis);
                }
              },
              "offender-" + c);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** {@code clients} clients each repeating {@code attempt}, {@code pauseMillis} apart. */
  public static Offenders start(int port, int clients, long pauseMillis, Attempt attempt) {
    return new Offenders(port, clients, pauseMillis, attempt);
  }

  /** Stops them (each finishes its attempt) and returns the outcomes: status or exception. */
  public Map<String, Long> stop() {
    running.set(false);
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Map<String, Long> counted = new TreeMap<>();
    outcomes.forEach((k, v) -> counted.put(k, v.get()));
    return counted;
  }

  @Override
  public void close() {
    stop();
  }

  /** A GET of {@code path} on a new connection; the status. */
  public static Attempt get(String path) {
    return request(i -> "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }

  /** The bytes {@code head} makes, sent on a new connection; the status of the answer. */
  public static Attempt request(IntFunction<String> head) {
    return (port, i) -> {
      try (Socket socket = connect(port)) {
        socket.getOutputStream().write(head.apply(i).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return status(socket.getInputStream());
      }
    };
  }

  /**
   * A POST whose body trickles in: {@code chunk} bytes every {@code everyMillis}, out of {@code
   * length}, until the proxy answers; the status.
   */
  public static Attempt trickle(int length, int chunk, long everyMillis) {
    return (port, i) -> {
      try (Socket socket = connect(port)) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] bytes = new byte[chunk];
        for (int sent = 0; sent < length; sent += chunk) {
          sleep(everyMillis);
          if (in.available() > 0) {
            break; // answered already
          }
          try {
            out.write(bytes);
            out.flush();
          } catch (IOException closed) {
            break; // the proxy answered and closed: read what it said
          }
        }
        return status(in);
      }
    };
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(30_000);
    return socket;
  }

  /** The status code of the response the stream starts with. */
  public static int status(InputStream in) throws IOException {
    String line = HttpLines.read(in);
    String statusLine = line == null ? "" : line.trim();
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new IOException("no status line: '" + statusLine + "'");
    }
    return Integer.parseInt(statusLine.split(" ")[1]);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // pacing a client, not waiting for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
