package dev.elbow.dataplane.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Talks to the line-answering TCP demo backend through the proxy. */
public final class TcpTestClient {

  private TcpTestClient() {}

  /**
   * Opens a connection, sends one line and returns the name of the backend that answered it; a
   * connection that closes without an answer throws.
   */
  public static String backendOf(int port) {
    return backendOf(port, null);
  }

  /**
   * Like {@link #backendOf(int)}, from this local address (127.0.0.x: Linux routes all of 127/8).
   */
  public static String backendOf(int port, String localAddress) {
    try (Socket socket = new Socket()) {
      if (localAddress != null) {
        socket.bind(new InetSocketAddress(localAddress, 0));
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("hello\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      String line =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (line == null) {
        throw new IOException("connection closed without an answer");
      }
      return line.substring(0, line.indexOf(':'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
