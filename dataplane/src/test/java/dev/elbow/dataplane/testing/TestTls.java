package dev.elbow.dataplane.testing;

import dev.elbow.snapshot.PemMaterial;
import dev.elbow.snapshot.testing.TestCertificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts made from the test certificates, for clients and backends in tests. */
public final class TestTls {

  private TestTls() {}

  /** A JDK client context that trusts the test CA only. */
  public static SSLContext clientTrustingTestCa() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustingTestCa(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trust managers that trust the test CA only. */
  public static javax.net.ssl.TrustManager[] trustingTestCa() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(
          "ca", PemMaterial.certificates(TestCertificates.pem("ca.crt")).get(0));
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      return factory.getTrustManagers();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Netty server context presenting test certificate {@code name} (e.g. "backend"). */
  public static SslContext server(String name) {
    try {
      return SslContextBuilder.forServer(
              PemMaterial.privateKey(TestCertificates.pem(name + ".key")),
              PemMaterial.certificates(TestCertificates.pem(name + ".crt"))
                  .toArray(X509Certificate[]::new))
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
