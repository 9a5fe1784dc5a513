package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static dev.elbow.snapshot.testing.TestCertificates.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.TlsCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTPS listeners: termination, SNI, ALPN (HTTP/2 to HTTP/1.1 members), renewal. */
class HttpsProxyTest {

  private TestDataPlane dataPlane;
  private DemoBackend backend;
  private int port;
  private long version;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    backend = DemoBackend.http("plain", 0);
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    backend.close();
  }

  private void serve(List<TlsCertificate> certificates) {
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(
                new ListenerConfig(
                    "d/www", ListenerProtocol.HTTPS, port, "d/web", null, certificates)),
            List.of(
                new GroupConfig(
                    "d/web",
                    BackendProtocol.HTTP,
                    Algorithm.ROUND_ROBIN,
                    List.of(member(backend.port(), 1)),
                    HealthCheckConfig.DISABLED))));
  }

  private HttpResponse<String> get(HttpClient.Version httpVersion) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(TestTls.clientTrustingTestCa())
            .version(httpVersion)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void terminatesTlsAndTellsTheMemberTheClientUsedHttps() throws Exception {
    serve(List.of(certificate("default")));
    HttpResponse<String> response = get(HttpClient.Version.HTTP_1_1);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(response.body()).isEqualTo("plain\n");
    assertThat(response.headers().firstValue("x-seen-forwarded-proto")).hasValue("https");
  }

  @Test
  void http2ClientsAreServedByHttp1Members() throws Exception {
    serve(List.of(certificate("default")));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = get(HttpClient.Version.HTTP_2);
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("plain\n");
      assertThat(response.headers().firstValue("x-seen-forwarded-proto")).hasValue("https");
      assertThat(response.headers().firstValue("x-seen-host")).hasValue("localhost:" + port);
      assertThat(response.headers().firstValue("x-seen-forwarded-for")).hasValue("127.0.0.1");
    }
  }

  @Test
  void sniPicksTheCertificateAndTheFirstIsTheDefault() throws Exception {
    serve(List.of(certificate("default"), certificate("api")));
    assertThat(subjectFor("api.example.test")).isEqualTo("CN=api.example.test");
    assertThat(subjectFor("www.example.test")).isEqualTo("CN=localhost");
    assertThat(subjectFor("unknown.example.test")).isEqualTo("CN=localhost");
    assertThat(subjectFor(null)).isEqualTo("CN=localhost");
  }

  @Test
  void tlsOlderThan12IsRefused() throws Exception {
    assumeThat(OpenSsl.isAvailable()).as("BoringSSL, which still speaks TLS 1.1").isTrue();
    serve(List.of(certificate("default")));
    assertThat(handshakeWith("TLSv1.2")).as("the same client with TLS 1.2").isNull();
    assertThat(handshakeWith("TLSv1.1")).isNotNull();
    assertThat(handshakeWith("TLSv1")).isNotNull();
  }

  /** Shakes hands with only this protocol version; returns the failure, or null. */
  private Throwable handshakeWith(String protocol) throws Exception {
    SslContext client =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .protocols(protocol)
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .build();
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    // Kept from the initializer: a refused handshake may close the channel, and with it empty
    // the pipeline, before the test can look the handler up.
    SslHandler[] tls = new SslHandler[1];
    try {
      Channel channel =
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      tls[0] = client.newHandler(ch.alloc(), "localhost", port);
                      ch.pipeline().addLast(tls[0]);
                    }
                  })
              .connect("127.0.0.1", port)
              .sync()
              .channel();
      var handshake = tls[0].handshakeFuture().await();
      channel.close().sync();
      return handshake.cause();
    } finally {
      loop.shutdownGracefully().sync();
    }
  }

  @Test
  void aRenewedCertificateServesNewConnectionsAndOpenOnesCarryOn() throws Exception {
    serve(List.of(certificate("default")));
    try (SSLSocket open = handshake(null)) {
      assertThat(exchange(open)).startsWith("HTTP/1.1 200");
      serve(List.of(certificate("api"), certificate("default"))); // another default now
      assertThat(subjectFor(null)).isEqualTo("CN=api.example.test");
      assertThat(exchange(open)).as("the open connection").startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aCertificateThatCannotBeUsedIsRefusedAndTheOldOneServes() throws Exception {
    serve(List.of(certificate("default")));
    var refused =
        dataPlane
            .dataPlane()
            .apply(
                new Snapshot(
                    ++version,
                    List.of(
                        new ListenerConfig(
                            "d/www",
                            ListenerProtocol.HTTPS,
                            port,
                            "d/web",
                            null,
                            List.of(new TlsCertificate("d/bad", pem("default.crt"), "junk")))),
                    List.of(
                        new GroupConfig(
                            "d/web",
                            BackendProtocol.HTTP,
                            Algorithm.ROUND_ROBIN,
                            List.of(member(backend.port(), 1)),
                            HealthCheckConfig.DISABLED))))
            .join();
    assertThat(refused.result().errors())
        .singleElement()
        .asString()
        .startsWith("listeners[0].certificates[0]: tls.key of d/bad is not a usable private key");
    assertThat(get(HttpClient.Version.HTTP_1_1).statusCode()).isEqualTo(200);
  }

  private SSLSocket handshake(String serverName) throws Exception {
    SSLSocket socket =
        (SSLSocket)
            TestTls.clientTrustingTestCa().getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(
        serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(5000);
    socket.startHandshake();
    return socket;
  }

  private String subjectFor(String serverName) throws Exception {
    try (SSLSocket socket = handshake(serverName)) {
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  private static String exchange(SSLSocket socket) throws Exception {
    return RawHttp.keepAliveStatus(socket);
  }
}
