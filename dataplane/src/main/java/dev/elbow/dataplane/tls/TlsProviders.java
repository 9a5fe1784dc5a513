package dev.elbow.dataplane.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation to use: BoringSSL (netty-tcnative) where it loads, the JDK's else. The
 * system property {@code elbow.tls.provider=jdk} forces the JDK's, for platforms where the native
 * library loads but misbehaves, and for tests of the fallback.
 */
final class TlsProviders {

  /** TLS 1.2 is the oldest version served; 1.0 and 1.1 are refused at the handshake. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private TlsProviders() {}

  /** The system property that forces a provider: {@code jdk} or {@code openssl}. */
  static final String PROPERTY = "elbow.tls.provider";

  static SslProvider best() {
    String forced = System.getProperty(PROPERTY, "auto");
    if (forced.equalsIgnoreCase("jdk")) {
      return SslProvider.JDK;
    }
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }
}
