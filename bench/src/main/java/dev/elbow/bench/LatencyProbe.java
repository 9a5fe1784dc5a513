package dev.elbow.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures request latency through a listener at a fixed, modest rate on a few keep-alive
 * connections. A closed-loop load generator at full speed would measure queueing in a saturated
 * proxy; a paced probe measures what a push does to an unsaturated one: an event loop stalled by an
 * apply shows up as a latency spike the length of the stall.
 */
final class LatencyProbe {

  private static final byte[] REQUEST =
      "GET / HTTP/1.1\r\nHost: probe\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private LatencyProbe() {}

  /**
   * Sends {@code perSecond} requests a second, spread over {@code connections}, for {@code
   * seconds}, and returns p50, p99 and max in milliseconds (requests that failed count as max).
   */
  static Map<String, Double> run(int port, int connections, int perSecond, int seconds)
      throws InterruptedException {
    int perConnection = perSecond * seconds / connections;
    long[][] nanos = new long[connections][perConnection];
    Thread[] threads = new Thread[connections];
    long interval = 1_000_000_000L * connections / perSecond;
    for (int c = 0; c < connections; c++) {
      long[] mine = nanos[c];
      threads[c] = new Thread(() -> probe(port, mine, interval), "latency-probe-" + c);
      threads[c].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long[] all = Arrays.stream(nanos).flatMapToLong(Arrays::stream).sorted().toArray();
    Map<String, Double> result = new LinkedHashMap<>();
    result.put("p50", at(all, 0.50));
    result.put("p99", at(all, 0.99));
    result.put("max", all[all.length - 1] / 1e6);
    return result;
  }

  private static double at(long[] sorted, double quantile) {
    return Math.round(sorted[(int) Math.ceil(sorted.length * quantile) - 1] / 1e4) / 100.0;
  }

  private static void probe(int port, long[] out, long interval) {
    byte[] buffer = new byte[16384];
    Socket socket = null;
    long next = System.nanoTime();
    for (int i = 0; i < out.length; i++) {
      LockSupport.parkNanos(next - System.nanoTime());
      next += interval;
      long t0 = System.nanoTime();
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          socket.setSoTimeout(10_000);
        }
        OutputStream os = socket.getOutputStream();
        os.write(REQUEST);
        readResponse(socket.getInputStream(), buffer);
        out[i] = System.nanoTime() - t0;
      } catch (IOException e) {
        out[i] = Long.MAX_VALUE / 2; // counted, and shows as the max
        closeQuietly(socket);
        socket = null;
      }
    }
    closeQuietly(socket);
  }

  /** Reads one response with a Content-Length body (what the probe backends send). */
  private static void readResponse(InputStream in, byte[] buffer) throws IOException {
    int have = 0;
    int headEnd = -1;
    long contentLength = 0;
    while (true) {
      int n = in.read(buffer, have, buffer.length - have);
      if (n < 0) {
        throw new IOException("closed mid-response");
      }
      have += n;
      if (headEnd < 0) {
        String text = new String(buffer, 0, have, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
          continue;
        }
        headEnd = end + 4;
        String lower = text.substring(0, end).toLowerCase();
        int at = lower.indexOf("content-length:");
        if (at >= 0) {
          int eol = lower.indexOf("\r\n", at);
          contentLength = Long.parseLong(lower.substring(at + 15, eol < 0 ? end : eol).trim());
        }
      }
      if (have - headEnd >= contentLength) {
        return;
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
