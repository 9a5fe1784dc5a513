package dev.elbow.dataplane.tls;

import dev.elbow.snapshot.PemMaterial;
import dev.elbow.snapshot.TlsCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.security.auth.x500.X500Principal;

/**
 * The certificates of an HTTPS listener, ready for the handshake: the host names each one answers
 * for (read from its Subject Alternative Names, or its Common Name when it has none) mapped to its
 * TLS context, with wildcards, and the first certificate for clients that send no SNI or a name no
 * certificate has.
 *
 * <p>TLS contexts are costly to make and a listener keeps its certificates across most snapshots,
 * so {@link #build} reuses the contexts of the listener's previous certificates that did not
 * change. A renewed certificate gets a new context; connections already open keep the one they
 * shook hands with.
 */
public final class ServerCertificates {

  private final Map<TlsCertificate, SslContext> contexts;
  private final Mapping<String, SslContext> bySni;

  private ServerCertificates(
      Map<TlsCertificate, SslContext> contexts, Mapping<String, SslContext> bySni) {
    this.contexts = contexts;
    this.bySni = bySni;
  }

  /**
   * Makes the contexts of these certificates, reusing those of {@code previous} (may be null).
   *
   * @throws IllegalArgumentException naming the certificate that cannot be used, and why
   */
  public static ServerCertificates build(
      List<TlsCertificate> certificates, ServerCertificates previous) {
    Map<TlsCertificate, SslContext> contexts = new HashMap<>();
    DomainWildcardMappingBuilder<SslContext> mapping = null;
    for (TlsCertificate certificate : certificates) {
      SslContext context = previous == null ? null : previous.contexts.get(certificate);
      Set<String> names;
      try {
        List<X509Certificate> chain = PemMaterial.certificates(certificate.certificateChain());
        names = hostNames(chain.get(0));
        if (context == null) {
          PrivateKey key = PemMaterial.privateKey(certificate.privateKey());
          context = serverContext(key, chain);
        }
      } catch (Exception e) {
        throw new IllegalArgumentException(
            "certificate " + certificate.name() + " cannot be used: " + e.getMessage(), e);
      }
      contexts.put(certificate, context);
      if (mapping == null) {
        mapping = new DomainWildcardMappingBuilder<>(context); // the first is the default
      }
      for (String name : names) {
        mapping.add(name, context);
      }
    }
    if (mapping == null) {
      throw new IllegalArgumentException("an HTTPS listener needs a certificate");
    }
    return new ServerCertificates(Map.copyOf(contexts), mapping.build());
  }

  /** The context for a client's SNI name (null when it sent none): the default if none match. */
  public Mapping<String, SslContext> bySni() {
    return bySni;
  }

  private static SslContext serverContext(PrivateKey key, List<X509Certificate> chain)
      throws SSLException {
    return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
        .sslProvider(TlsProviders.best())
        .protocols(TlsProviders.PROTOCOLS)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1))
        .build();
  }

  /** DNS names of the certificate's Subject Alternative Names; its Common Name if it has none. */
  static Set<String> hostNames(X509Certificate certificate) throws CertificateParsingException {
    Set<String> names = new LinkedHashSet<>();
    Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
    if (alternatives != null) {
      for (List<?> entry : alternatives) {
        if (Integer.valueOf(2).equals(entry.get(0))) { // dNSName
          names.add(entry.get(1).toString().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    if (names.isEmpty()) {
      String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
      for (String part : subject.split(",")) {
        if (part.startsWith("CN=")) {
          names.add(part.substring(3).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return names;
  }
}
