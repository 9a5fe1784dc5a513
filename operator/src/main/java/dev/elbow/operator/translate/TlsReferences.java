package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.CaBundleRef;
import dev.elbow.api.v1alpha1.CertificateRef;
import dev.elbow.api.v1alpha1.GroupTls;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.snapshot.BackendTls;
import dev.elbow.snapshot.PemMaterial;
import dev.elbow.snapshot.TlsCertificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves the TLS material a listener or group names into snapshot parts, or says what is wrong
 * with it: a Secret or ConfigMap that is missing, lacks a key, or holds something that is not a
 * usable certificate, key or bundle. Pure, like the rest of translation.
 */
final class TlsReferences {

  /** A listener's certificates, or the verdict that explains why there are none. */
  record Certificates(List<TlsCertificate> certificates, Verdict problem) {}

  /** A group's TLS settings, or the verdict that explains why they cannot be used. */
  record Tls(BackendTls tls, Verdict problem) {}

  private TlsReferences() {}

  static Certificates certificates(Listener listener, References references) {
    String namespace = listener.getMetadata().getNamespace();
    List<CertificateRef> refs = listener.getSpec().getCertificates();
    if (refs == null || refs.isEmpty()) {
      return new Certificates(
          List.of(),
          Verdict.rejected(
              "InvalidSpec",
              "spec.certificates: an HTTPS listener needs at least one kubernetes.io/tls Secret"));
    }
    List<TlsCertificate> certificates = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      String at = "spec.certificates[" + i + "]";
      String name = refs.get(i).getSecretName();
      ResourceKey key = new ResourceKey(namespace, name);
      Map<String, String> data = references.secret(key);
      if (data == null) {
        return problem(
            "CertificateNotFound",
            at
                + ": no Secret \""
                + name
                + "\" in namespace \""
                + namespace
                + "\"; create a kubernetes.io/tls Secret with tls.crt and tls.key");
      }
      String crt = data.get("tls.crt");
      String tlsKey = data.get("tls.key");
      if (crt == null || tlsKey == null) {
        return problem(
            "InvalidCertificate",
            at
                + ": Secret \""
                + name
                + "\" has no tls.crt or no tls.key; a kubernetes.io/tls"
                + " Secret holds both");
      }
      TlsCertificate certificate = new TlsCertificate(key.toString(), crt, tlsKey);
      List<String> problems = PemMaterial.problems(certificate);
      if (!problems.isEmpty()) {
        return problem("InvalidCertificate", at + ": " + String.join("; ", problems));
      }
      certificates.add(certificate);
    }
    return new Certificates(List.copyOf(certificates), null);
  }

  private static Certificates problem(String reason, String message) {
    return new Certificates(List.of(), Verdict.rejected(reason, message));
  }

  static Tls groupTls(BackendServerGroup group, References references) {
    GroupTls spec = group.getSpec().getTls();
    if (spec == null) {
      return new Tls(null, null);
    }
    boolean skip = Boolean.TRUE.equals(spec.getInsecureSkipVerify());
    String bundle = null;
    CaBundleRef ref = spec.getCaBundle();
    if (ref != null) {
      String namespace = group.getMetadata().getNamespace();
      boolean inSecret = ref.getSecretName() != null;
      String name = inSecret ? ref.getSecretName() : ref.getConfigMapName();
      String kind = inSecret ? "Secret" : "ConfigMap";
      String dataKey = ref.getKey() == null ? "ca.crt" : ref.getKey();
      ResourceKey key = new ResourceKey(namespace, name);
      Map<String, String> data = inSecret ? references.secret(key) : references.configMap(key);
      if (data == null) {
        return new Tls(
            null,
            Verdict.rejected(
                "CABundleNotFound",
                "spec.tls.caBundle: no "
                    + kind
                    + " \""
                    + name
                    + "\" in namespace \""
                    + namespace
                    + "\"; create it with the CA certificates under "
                    + dataKey));
      }
      bundle = data.get(dataKey);
      if (bundle == null) {
        return new Tls(
            null,
            Verdict.rejected(
                "CABundleNotFound",
                "spec.tls.caBundle: " + kind + " \"" + name + "\" has no key " + dataKey));
      }
    }
    return new Tls(new BackendTls(bundle, skip, spec.getServerName()), null);
  }
}
