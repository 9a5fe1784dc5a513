package dev.elbow.dataplane.tls;

import dev.elbow.snapshot.BackendTls;
import dev.elbow.snapshot.PemMaterial;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
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
  private final boolean http2;

  private BackendTlsContexts(BackendTls config, SslContext context, boolean http2) {
    this.config = config;
    this.context = context;
    this.http2 = http2;
  }

  /**
   * The client context for a group's TLS settings.
   *
   * @throws IllegalArgumentException when the CA bundle cannot be read
   */
  public static BackendTlsContexts build(BackendTls config) {
    return build(config, false);
  }

  /**
   * The client context for a group's TLS settings, offering h2 by ALPN when the members speak
   * HTTP/2 (and only h2: an HTTP/2 group's member that cannot is a failed connection).
   *
   * @throws IllegalArgumentException when the CA bundle cannot be read
   */
  public static BackendTlsContexts build(BackendTls config, boolean http2) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(TlsProviders.best())
              .protocols(TlsProviders.PROTOCOLS)
              // Netty 4.2 checks host names by default; without a server name there is none to
              // check, so only the chain is verified (HAProxy's "verify required" without
              // "verifyhost").
              .endpointIdentificationAlgorithm(config.serverName() != null ? "HTTPS" : null);
      if (http2) {
        builder.applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2));
      }
      if (config.insecureSkipVerify()) {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else {
        builder.trustManager(
            PemMaterial.certificates(config.caBundle()).toArray(X509Certificate[]::new));
      }
      return new BackendTlsContexts(config, builder.build(), http2);
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "the group's TLS settings cannot be used: " + e.getMessage(), e);
    }
  }

  /** Whether the context offers h2 by ALPN: connections made with it speak HTTP/2. */
  public boolean http2() {
    return http2;
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
