package dev.elbow.operator.translate;

import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static dev.elbow.snapshot.testing.TestCertificates.pem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupSpec;
import dev.elbow.api.v1alpha1.CertificateRef;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.TlsCertificate;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Secret that turns bad must not take an HTTPS listener off the air. */
class LastGoodCertificatesTest {

  private static final ResourceKey LISTENER = new ResourceKey("shop", "www");
  private static final ResourceKey SECRET = new ResourceKey("shop", "www-tls");

  private final BackendServerGroup group = new BackendServerGroup();
  private final Listener listener = new Listener();

  LastGoodCertificatesTest() {
    group.setMetadata(new ObjectMetaBuilder().withNamespace("shop").withName("web").build());
    BackendServerGroupSpec spec = new BackendServerGroupSpec();
    spec.setProtocol(BackendProtocol.HTTP);
    spec.setMembers(List.of(new Member("10.0.0.1", 8080, 1)));
    group.setSpec(spec);
    listener.setMetadata(new ObjectMetaBuilder().withNamespace("shop").withName("www").build());
    ListenerSpec listenerSpec = new ListenerSpec(ListenerProtocol.HTTPS, 443, "web");
    listenerSpec.setCertificates(List.of(new CertificateRef("www-tls")));
    listener.setSpec(listenerSpec);
  }

  private Translation translate(Map<String, String> secret, List<TlsCertificate> lastGood) {
    return Translator.translate(
        List.of(group),
        List.of(listener),
        new References(
            key -> key.equals(SECRET) ? secret : null,
            key -> null,
            key -> key.equals(LISTENER) && lastGood != null ? lastGood : List.of()));
  }

  @Test
  void aBadRenewalKeepsTheLastGoodCertificateServingAndSaysSo() {
    List<TlsCertificate> lastGood = List.of(certificate("default"));
    Translation bad =
        translate(Map.of("tls.crt", pem("default.crt"), "tls.key", "garbage"), lastGood);

    Verdict verdict = bad.listeners().get(LISTENER).verdict();
    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.reason()).isEqualTo("InvalidCertificate");
    assertThat(verdict.message())
        .contains("tls.key of shop/www-tls is not a usable private key")
        .endsWith("the listener keeps serving its last good certificates");
    assertThat(bad.snapshot().listeners())
        .singleElement()
        .extracting(ListenerConfig::certificates)
        .isEqualTo(lastGood);
  }

  @Test
  void withoutALastGoodCertificateTheListenerIsLeftOut() {
    Translation missing = translate(null, null);
    assertThat(missing.listeners().get(LISTENER).verdict().reason())
        .isEqualTo("CertificateNotFound");
    assertThat(missing.snapshot().listeners()).isEmpty();
  }

  @Test
  void aGoodSecretIsServedAsItIs() {
    Translation good =
        translate(Map.of("tls.crt", pem("api.crt"), "tls.key", pem("api.key")), List.of());
    assertThat(good.listeners().get(LISTENER).verdict().accepted()).isTrue();
    assertThat(good.snapshot().listeners().get(0).certificates())
        .containsExactly(new TlsCertificate("shop/www-tls", pem("api.crt"), pem("api.key")));
  }
}
