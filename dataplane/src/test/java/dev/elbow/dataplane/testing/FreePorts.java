package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports that were free a moment ago, for snapshots that need a fixed listener port. The kernel may
 * hand out a port it just gave (Http2StreamingTest once got one port for both its listeners), so no
 * port is returned twice in a JVM.
 */
public final class FreePorts {

  private static final java.util.Set<Integer> GIVEN =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int next() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        if (GIVEN.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
