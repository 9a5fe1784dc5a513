package dev.elbow.dataplane.tls;

import dev.elbow.snapshot.BackendTls;
import dev.elbow.snapshot.PemMaterial;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;

/**
 * TLS towards the members of an HTTPS group: trust in the group's CA bundle, or, only when the
 * group says {@code insecureSkipVerify: true}, in anything. With a server name it is sent by SNI
 * and the member's certificate must be for that name.
 */
public final class BackendTlsContexts {

  private final BackendTls config;
  private final SslContext context;

  private BackendTlsContexts(BackendTls config, SslContext context) {
    this.config = config;
    this.context = context;
  }

  /**
   * The client context for a group's TLS settings.
   *
   * @throws IllegalArgumentException when the CA bundle cannot be read
   */
  public static BackendTlsContexts build(BackendTls config) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(TlsProviders.best())
              .protocols(TlsProviders.PROTOCOLS)
              // Netty 4.2 checks host names by default; without a server name there is none to
              // check, so only the chain is verified (HAProxy's "verify required" without
              // "verifyhost").
              .endpointIdentificationAlgorithm(config.serverName() != null ? "HTTPS" : null);
      if (config.insecureSkipVerify()) {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else {
        builder.trustManager(
            PemMaterial.certificates(config.caBundle()).toArray(X509Certificate[]::new));
      }
      return new BackendTlsContexts(config, builder.build());
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "the group's TLS settings cannot be used: " + e.getMessage(), e);
    }
  }

  public BackendTls config() {
    return config;
  }

  /** A handler that opens TLS to {@code member}, sending the server name by SNI if there is one. */
  public SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress member) {
    return config.serverName() != null
        ? context.newHandler(alloc, config.serverName(), member.getPort())
        : context.newHandler(alloc);
  }
}
