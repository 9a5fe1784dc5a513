package dev.elbow.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Byte-exact HTTP for tests that need what well-behaved clients and servers never send. */
public final class RawHttp {

  private RawHttp() {}

  /**
   * Sends {@code request} to the port and returns everything that comes back until the connection
   * closes or stays quiet for {@code quietMillis}.
   */
  public static String exchange(int port, String request, int quietMillis) {
    return exchange("127.0.0.1", port, request, quietMillis);
  }

  /** As {@link #exchange(int, String, int)}, to {@code host}. */
  public static String exchange(String host, int port, String request, int quietMillis) {
    try (Socket socket = new Socket(host, port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return readAll(socket, quietMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status of a GET of {@code path} on a new connection (a bare client: no retry). */
  public static int status(int port, String path) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return Offenders.status(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The {@code x-backend} header of a 200 answer to a GET on a new connection (a bare client: no
   * retry); fails on any other answer.
   */
  public static String backendOf(int port, String path) {
    return backendOf("127.0.0.1", port, path);
  }

  /** As {@link #backendOf(int, String)}, to {@code host}. */
  public static String backendOf(String host, int port, String path) {
    return backendOf(host, port, "x", path);
  }

  /** As {@link #backendOf(int, String)}, with this Host header (forwarding rules read it). */
  public static String backendFor(int port, String hostHeader, String path) {
    return backendOf("127.0.0.1", port, hostHeader, path);
  }

  private static String backendOf(String host, int port, String hostHeader, String path) {
    String answer =
        exchange(
            host,
            port,
            "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n",
            5_000);
    if (!answer.startsWith("HTTP/1.1 200")) {
      throw new AssertionError("not a 200: " + answer);
    }
    for (String line : answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("x-backend:")) {
        return line.substring(10).trim();
      }
    }
    throw new AssertionError("no x-backend header: " + answer);
  }

  /** What the socket sends until it closes or stays quiet for {@code quietMillis}. */
  public static String readAll(Socket socket, int quietMillis) throws IOException {
    socket.setSoTimeout(quietMillis);
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException quiet) {
      // nothing more for a while: the answer is complete
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * A one-connection-at-a-time server on loopback that answers each connection with what {@code
   * answer} makes of the request head it read.
   */
  public static ServerSocket server(Function<String, String> answer) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread thread =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  byte[] head = new byte[8192];
                  int n = socket.getInputStream().read(head);
                  String request = n > 0 ? new String(head, 0, n, StandardCharsets.ISO_8859_1) : "";
                  socket
                      .getOutputStream()
                      .write(answer.apply(request).getBytes(StandardCharsets.ISO_8859_1));
                  socket.getOutputStream().flush();
                } catch (IOException e) {
                  // the test closed the server, or the proxy hung up: next connection
                }
              }
            },
            "raw-http-server");
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  /**
   * Sends {@code GET /} on a connection that stays open, reads one response with a Content-Length
   * body, and returns its status line.
   */
  public static String keepAliveStatus(Socket socket) throws IOException {
    socket
        .getOutputStream()
        .write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    java.io.BufferedReader in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    String status = in.readLine();
    int length = 0;
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.skip(length);
    return status;
  }
}
