package dev.elbow.dataplane.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 member for streaming tests: a blocking server, a thread per connection, keep-alive.
 * By path:
 *
 * <ul>
 *   <li>{@code /download/N}: N bytes (Content-Length), written in 64 KiB pieces as fast as the
 *       connection takes them, counted in {@link #sent()}; HEAD gets the same head and no body;
 *   <li>{@code /upload}: reads the body (Content-Length or chunked, with trailers) and answers,
 *       chunked, {@code bytes=N} with each request trailer {@code x-foo} sent back as the response
 *       trailer {@code x-echo-foo};
 *   <li>{@code /events}: a chunked stream of events {@code tick 1}, {@code tick 2}, {@code tick 3},
 *       each written once the test {@link #releaseTick() releases} it, then the end;
 *   <li>anything else: 200 with a short text.
 * </ul>
 */
public final class StreamingMember implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final Semaphore ticks = new Semaphore(0);
  private volatile String lastRequestHead = "";

  public StreamingMember() throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "streaming-member");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Body bytes written by {@code /download} so far, over all requests. */
  public long sent() {
    return sent.get();
  }

  /** Body bytes read by {@code /upload} so far, over all requests. */
  public long received() {
    return received.get();
  }

  /** The request line and headers of the last request, as received. */
  public String lastRequestHead() {
    return lastRequestHead;
  }

  /** Lets {@code /events} write its next event. */
  public void releaseTick() {
    ticks.release();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.add(socket);
        Thread thread = new Thread(() -> serve(socket), "streaming-member-conn");
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
        StringBuilder head = new StringBuilder(requestLine).append('\n');
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String path = parts.length > 1 ? parts[1] : "/";
        long length = 0;
        boolean chunked = false;
        boolean expectsContinue = false;
        String header;
        while ((header = HttpLines.read(in)) != null && !header.isEmpty()) {
          head.append(header).append('\n');
          String lower = header.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(lower.substring(15).trim());
          } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
            chunked = true;
          } else if (lower.startsWith("expect:") && lower.contains("100-continue")) {
            expectsContinue = true;
          }
        }
        lastRequestHead = head.toString();
        if (path.equals("/stalled-upload")) {
          stallUntilClosed(); // reads none of the body: the proxy must stop the client
          return;
        }
        if (expectsContinue) {
          write(out, "HTTP/1.1 100 Continue\r\n\r\n"); // the client waits for it to send
        }
        Map<String, String> trailers = new LinkedHashMap<>();
        long body = chunked ? readChunked(in, trailers) : read(in, length);
        if (body < 0) {
          return;
        }
        if (!answer(out, method, path, body, trailers)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the data plane or the test closed it
    }
  }

  private boolean answer(
      OutputStream out, String method, String path, long body, Map<String, String> trailers)
      throws IOException {
    if (path.startsWith("/download/")) {
      long size = Long.parseLong(path.substring("/download/".length()));
      write(out, "HTTP/1.1 200 OK\r\ncontent-length: " + size + "\r\n\r\n");
      if (!method.equals("HEAD")) {
        byte[] piece = new byte[64 * 1024];
        for (int i = 0; i < piece.length; i++) {
          piece[i] = (byte) ('a' + i % 26);
        }
        long left = size;
        while (left > 0) {
          int n = (int) Math.min(piece.length, left);
          out.write(piece, 0, n);
          sent.addAndGet(n);
          left -= n;
        }
      }
      out.flush();
      return true;
    }
    if (path.equals("/upload")) {
      received.addAndGet(body);
      String text = "bytes=" + body;
      StringBuilder response =
          new StringBuilder("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
              .append(Integer.toHexString(text.length()))
              .append("\r\n")
              .append(text)
              .append("\r\n0\r\n");
      trailers.forEach(
          (name, value) ->
              response
                  .append("x-echo-")
                  .append(name.substring(2))
                  .append(": ")
                  .append(value)
                  .append("\r\n"));
      write(out, response.append("\r\n").toString());
      return true;
    }
    if (path.equals("/events")) {
      write(
          out,
          "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
      for (int i = 1; i <= 3; i++) {
        try {
          if (!ticks.tryAcquire(30, TimeUnit.SECONDS)) {
            return false;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        String event = "data: tick " + i + "\n\n";
        write(out, Integer.toHexString(event.length()) + "\r\n" + event + "\r\n");
      }
      write(out, "0\r\n\r\n");
      return true;
    }
    // Long enough for h2spec's flow-control cases, which read the body a few bytes at a time.
    String text = "ok from the streaming member\n".repeat(4);
    write(out, "HTTP/1.1 200 OK\r\ncontent-length: " + text.length() + "\r\n\r\n" + text);
    return true;
  }

  private void stallUntilClosed() {
    try {
      while (!server.isClosed()) {
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private long read(InputStream in, long length) throws IOException {
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

  /** Reads a chunked body; trailers whose names start with {@code x-} are kept. */
  private long readChunked(InputStream in, Map<String, String> trailers) throws IOException {
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
          int colon = trailer.indexOf(':');
          String name = trailer.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          if (name.startsWith("x-")) {
            trailers.put(name, trailer.substring(colon + 1).trim());
          }
        }
        return total;
      }
      if (read(in, n) < 0 || HttpLines.read(in) == null) {
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
