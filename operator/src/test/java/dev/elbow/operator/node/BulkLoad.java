package dev.elbow.operator.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Heavy traffic for memory limits: clients on keep-alive connections each POSTing a large body that
 * an echo member sends back, as fast as they can, for a while. A client never retries; every
 * exchange that is not a 200 with the same bytes back is a failure, counted by its reason.
 */
final class BulkLoad {

  /**
   * What the clients saw.
   *
   * @param exchanges exchanges completed, failures included
   * @param failed exchanges that were not a 200 with the body echoed whole
   * @param bytes body bytes sent and received, both ways
   * @param seconds how long the load ran
   * @param reasons failures by reason
   */
  record Result(
      long exchanges, long failed, long bytes, double seconds, Map<String, Long> reasons) {
    String load() {
      return String.format(
          "%d exchanges, %.1f MiB/s both ways over %.0f s",
          exchanges, bytes / seconds / (1 << 20), seconds);
    }
  }

  private BulkLoad() {}

  /** Runs {@code clients} clients for {@code seconds}, each exchange a {@code bodyBytes} echo. */
  static Result run(String host, int port, int clients, int bodyBytes, int seconds)
      throws InterruptedException {
    byte[] body = new byte[bodyBytes];
    new Random(17).nextBytes(body);
    byte[] head =
        ("POST /bulk HTTP/1.1\r\nHost: bulk\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: "
                + bodyBytes
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    LongAdder exchanges = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicLong bytes = new AtomicLong();
    Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      Thread client =
          new Thread(
              () -> {
                Socket socket = null;
                while (System.nanoTime() < end) {
                  try {
                    if (socket == null) {
                      socket = new Socket();
                      socket.connect(new InetSocketAddress(host, port), 5_000);
                      socket.setSoTimeout(30_000);
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(head);
                    out.write(body);
                    out.flush();
                    byte[] echoed = readResponse(socket.getInputStream());
                    if (!Arrays.equals(echoed, body)) {
                      throw new IOException("the body came back changed");
                    }
                    bytes.addAndGet(2L * bodyBytes);
                  } catch (IOException | RuntimeException e) {
                    failed.increment();
                    reasons
                        .computeIfAbsent(String.valueOf(e.getMessage()), r -> new AtomicLong())
                        .incrementAndGet();
                    closeQuietly(socket);
                    socket = null;
                  }
                  exchanges.increment();
                }
                closeQuietly(socket);
              },
              "bulk-load-" + i);
      client.setDaemon(true);
      threads.add(client);
      client.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    Map<String, Long> counted = new java.util.TreeMap<>();
    reasons.forEach((reason, count) -> counted.put(reason, count.get()));
    return new Result(
        exchanges.sum(), failed.sum(), bytes.get(), (System.nanoTime() - start) / 1e9, counted);
  }

  /** The body of a 200 answer with a Content-Length; anything else is an IOException. */
  private static byte[] readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
    int lastFour = 0; // one byte each: the head ends with CR LF CR LF
    while (lastFour != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed before the answer's head");
      }
      headBytes.write(b);
      lastFour = (lastFour << 8) | b;
    }
    String text = headBytes.toString(StandardCharsets.US_ASCII);
    if (!text.startsWith("HTTP/1.1 200")) {
      throw new IOException("status " + text.lines().findFirst().orElse(""));
    }
    int length = -1;
    for (String line : text.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    if (length < 0) {
      throw new IOException("an answer without Content-Length");
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("the connection closed inside the body");
    }
    return body;
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing after a failure: nothing more to learn
      }
    }
  }
}
