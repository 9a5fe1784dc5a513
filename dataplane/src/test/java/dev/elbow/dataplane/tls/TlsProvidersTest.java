package dev.elbow.dataplane.tls;

import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsProvidersTest {

  private static SslContext defaultContext() {
    return ServerCertificates.build(List.of(certificate("default")), null).bySni().map(null);
  }

  @Test
  void boringSslWhereItLoadsAndTheJdkWhenAsked() {
    assertThat(defaultContext() instanceof JdkSslContext).isEqualTo(!OpenSsl.isAvailable());
    System.setProperty(TlsProviders.PROPERTY, "jdk");
    try {
      assertThat(defaultContext()).isInstanceOf(JdkSslContext.class);
    } finally {
      System.clearProperty(TlsProviders.PROPERTY);
    }
  }

  @Test
  void sniNamesComeFromTheCertificatesAndTheFirstIsTheDefault() {
    ServerCertificates both =
        ServerCertificates.build(List.of(certificate("default"), certificate("api")), null);
    SslContext fallback = both.bySni().map(null);
    assertThat(both.bySni().map("api.example.test")).isNotSameAs(fallback);
    assertThat(both.bySni().map("www.example.test")).isSameAs(fallback);
    assertThat(both.bySni().map("nobody.example.test")).isSameAs(fallback);
  }

  @Test
  void unchangedCertificatesKeepTheirContextAcrossSnapshots() {
    ServerCertificates first = ServerCertificates.build(List.of(certificate("default")), null);
    ServerCertificates again = ServerCertificates.build(List.of(certificate("default")), first);
    assertThat(again.bySni().map(null)).isSameAs(first.bySni().map(null));
  }
}
