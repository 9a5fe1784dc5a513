package dev.elbow.dataplane.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many idle TCP connections held by a separate process: file descriptors are limited per process,
 * so the client ends do not eat into the data plane's. {@link #start} launches it on the test's
 * classpath; it connects, says so on its output, holds the connections without sending a byte, and
 * closes them all when {@link #close} ends its input.
 */
public final class IdleClients implements AutoCloseable {

  private final Process process;
  private final int connected;

  private IdleClients(Process process, int connected) {
    this.process = process;
    this.connected = connected;
  }

  /** Opens {@code count} connections to the loopback port; returns once all are connected. */
  public static IdleClients start(int port, int count) {
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      Process process =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  IdleClients.class.getName(),
                  Integer.toString(port),
                  Integer.toString(count))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
      String line = out.readLine();
      if (line == null || !line.startsWith("connected ")) {
        process.destroyForcibly();
        throw new IllegalStateException("idle clients failed: " + line);
      }
      return new IdleClients(process, Integer.parseInt(line.substring(10).trim()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Connections it opened. */
  public int connected() {
    return connected;
  }

  /** Closes every connection and waits for the process to end. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The process: connects, reports, holds until its input ends. */
  public static void main(String[] args) throws IOException {
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
    int count = Integer.parseInt(args[1]);
    List<SocketChannel> held = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      held.add(SocketChannel.open(target));
    }
    System.out.println("connected " + held.size());
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold until the test closes our input
    }
    for (SocketChannel channel : held) {
      channel.close();
    }
  }
}
