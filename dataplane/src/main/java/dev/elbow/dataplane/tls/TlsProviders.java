package dev.elbow.dataplane.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS implementation to use: BoringSSL (netty-tcnative) where it loads, the JDK's else. */
final class TlsProviders {

  /** TLS 1.2 is the oldest version served; 1.0 and 1.1 are refused at the handshake. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private TlsProviders() {}

  static SslProvider best() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }
}
