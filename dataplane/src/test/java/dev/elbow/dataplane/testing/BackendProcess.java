package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A demo HTTP backend in a process of its own (DemoBackendsMain), so that a test can kill it the
 * way a crash does: SIGKILL, no goodbye on any connection.
 */
public final class BackendProcess implements AutoCloseable {

  private final Process process;
  private final int port;

  private BackendProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts an HTTP demo backend on 127.0.0.1:{@code port}, answering with its name. */
  public static BackendProcess http(int port) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.elbow.dataplane.demo.DemoBackendsMain",
                "http:" + port)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    return new BackendProcess(builder.start(), port);
  }

  public int port() {
    return port;
  }

  /** Whether it accepts connections yet. */
  public boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
