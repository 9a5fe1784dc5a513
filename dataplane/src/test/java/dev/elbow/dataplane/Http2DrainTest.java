package dev.elbow.dataplane;

import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.Snapshot;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * {@link DataPlane#drain} on an HTTP/2 connection: the client is told with a GOAWAY frame (RFC 9113
 * 6.8), so it opens no new stream there, and the connection then closes. A bare HTTP/2 client that
 * reads frames as they come, since a library client hides GOAWAY.
 */
class Http2DrainTest {

  private static final int SETTINGS = 0x4;
  private static final int GOAWAY = 0x7;

  @Test
  void aDrainSendsGoAwayAndThenCloses() throws Exception {
    int port = FreePorts.next();
    TestDataPlane dataPlane = TestDataPlane.start();
    try (DemoBackend web = DemoBackend.http("web", 0)) {
      dataPlane.apply(
          new Snapshot(
              1,
              List.of(
                  new ListenerConfig(
                      "ns/web",
                      ListenerProtocol.HTTPS,
                      port,
                      "ns/web",
                      ListenerTimeouts.DEFAULTS,
                      List.of(certificate("default")))),
              List.of(uncheckedGroup("ns/web", BackendProtocol.HTTP, web.port()))));
      try (SSLSocket socket =
          (SSLSocket)
              TestTls.clientTrustingTestCa().getSocketFactory().createSocket("127.0.0.1", port)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        writeFrame(out, SETTINGS, 0); // ours: defaults
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int[] first = readFrame(in);
        assertThat(first[0]).as("the server's SETTINGS").isEqualTo(SETTINGS);
        writeFrame(out, SETTINGS, 0x1); // ACK
        out.flush();

        CompletableFuture<Integer> drained =
            CompletableFuture.supplyAsync(() -> dataPlane.dataPlane().drain(Duration.ofSeconds(3)));
        List<Integer> types = new ArrayList<>();
        boolean closed = false;
        try {
          int[] frame;
          while ((frame = readFrame(in)) != null) {
            types.add(frame[0]);
          }
          closed = true;
        } catch (IOException e) {
          closed = !(e instanceof java.net.SocketTimeoutException); // a close without notify
        }
        assertThat(types).as("frames after the drain began").contains(GOAWAY);
        assertThat(closed).as("the connection closed after the GOAWAY").isTrue();
        assertThat(drained.get()).as("nothing was left for the deadline to cut").isZero();
      }
    } finally {
      dataPlane.close();
    }
  }

  private static void writeFrame(OutputStream out, int type, int flags) throws IOException {
    out.write(new byte[] {0, 0, 0, (byte) type, (byte) flags, 0, 0, 0, 0});
  }

  /** The next frame's {type, flags}, its payload skipped; null once the connection closed. */
  private static int[] readFrame(DataInputStream in) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    int length = (b0 << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    in.readInt(); // stream ID
    in.readFully(new byte[length]);
    return new int[] {type, flags};
  }
}
