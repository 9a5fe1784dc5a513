package dev.elbow.dataplane.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A member that misbehaves on purpose, on some paths only, so a test can show what one bad answer
 * does to the innocent requests around it. A plain blocking HTTP/1.1 server (a thread per
 * connection, keep-alive, Content-Length and chunked request bodies read whole). By path:
 *
 * <ul>
 *   <li>{@code /slow}: answers after {@link #slowMillis} when set on this member, at once
 *       otherwise;
 *   <li>{@code /garbage}: answers {@code HELLO THERE} and closes, when {@link #misbehaves};
 *   <li>{@code /many-headers}: answers with 150 header lines, when {@link #misbehaves};
 *   <li>{@code /upload}: reads the body and answers with how many bytes it had;
 *   <li>{@code /healthz}: 200 while {@link #healthy}, else 503;
 *   <li>anything else: 200 with the member's name.
 * </ul>
 *
 * With {@link #resetting} it resets every connection as soon as a request arrives, except for its
 * health check. It counts the requests it saw, by method and path.
 */
public final class ScriptedMember implements AutoCloseable {

  private final String name;
  private final ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicLong uploaded = new AtomicLong();

  /** Milliseconds {@code /slow} takes here; 0 answers at once. */
  public volatile long slowMillis;

  /** Whether {@code /garbage} and {@code /many-headers} answer badly here. */
  public volatile boolean misbehaves;

  /** Whether {@code /healthz} answers 200 (else 503). */
  public volatile boolean healthy = true;

  /** Whether every connection is reset when a request arrives. */
  public volatile boolean resetting;

  public ScriptedMember(String name) throws IOException {
    this.name = name;
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "member-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Requests seen with this method and path, e.g. {@code "POST /upload"}. */
  public int requests(String methodAndPath) {
    AtomicInteger n = requests.get(methodAndPath);
    return n == null ? 0 : n.get();
  }

  /** Requests seen in all. */
  public int requests() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Body bytes of the last {@code /upload} read whole. */
  public long uploaded() {
    return uploaded.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.add(socket);
        Thread thread = new Thread(() -> serve(socket), "member-" + name + "-conn");
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        return; // closed: the test is over
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      OutputStream out = socket.getOutputStream();
      while (true) {
        String requestLine = HttpLines.read(in);
        if (requestLine == null || requestLine.isEmpty()) {
          return;
        }
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String path = parts.length > 1 ? parts[1] : "/";
        long length = 0;
        boolean chunked = false;
        String header;
        while ((header = HttpLines.read(in)) != null && !header.isEmpty()) {
          String lower = header.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(lower.substring(15).trim());
          } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
            chunked = true;
          }
        }
        requests.computeIfAbsent(method + " " + path, k -> new AtomicInteger()).incrementAndGet();
        if (resetting && !path.equals("/healthz")) {
          socket.setSoLinger(true, 0); // a reset, not a FIN
          return;
        }
        long body = chunked ? skipChunked(in) : skip(in, length);
        if (body < 0) {
          return; // the proxy gave up on the request (a 408, say)
        }
        if (!answer(out, path, body)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the data plane or the test closed it
    }
  }

  /** Answers one request; false when the connection must close after it. */
  private boolean answer(OutputStream out, String path, long body) throws IOException {
    switch (path) {
      case "/slow" -> {
        long wait = slowMillis;
        if (wait > 0) {
          try {
            Thread.sleep(wait); // the slow member is the point of the test
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      }
      case "/garbage" -> {
        if (misbehaves) {
          out.write("HELLO THERE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return false;
        }
      }
      case "/many-headers" -> {
        if (misbehaves) {
          StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
          for (int i = 0; i < 150; i++) {
            head.append("x-header-").append(i).append(": ").append(i).append("\r\n");
          }
          head.append("content-length: 2\r\n\r\nok");
          out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return true;
        }
      }
      case "/upload" -> uploaded.set(body);
      default -> {}
    }
    String text = path.equals("/upload") ? Long.toString(body) : name;
    String status = path.equals("/healthz") && !healthy ? "503 Service Unavailable" : "200 OK";
    out.write(
        ("HTTP/1.1 " + status + "\r\ncontent-length: " + text.length() + "\r\n\r\n" + text)
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return true;
  }

  private static long skip(InputStream in, long length) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return -1;
      }
      left -= n;
    }
    return length;
  }

  private static long skipChunked(InputStream in) throws IOException {
    long total = 0;
    while (true) {
      String size = HttpLines.read(in);
      if (size == null) {
        return -1;
      }
      long n = Long.parseLong(size.split(";")[0].trim(), 16);
      if (n == 0) {
        String trailer;
        while ((trailer = HttpLines.read(in)) != null && !trailer.isEmpty()) {
          // trailers are not kept
        }
        return total;
      }
      if (skip(in, n) < 0 || HttpLines.read(in) == null) {
        return -1;
      }
      total += n;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }
}
