package dev.elbow.operator;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The data planes' admin token, kept in a Secret that the operator makes the first time it starts
 * (the Helm chart renders none: a token drawn while rendering changed on every {@code helm
 * template}, so a GitOps tool applying rendered objects rotated it on every sync, and Helm's {@code
 * lookup} that kept it across upgrades sees nothing there). The data-plane pods mount the Secret
 * and wait for it; the operator reads it through the API. Two operator replicas starting at once
 * both try to create it: one wins, the other reads the winner's token.
 *
 * <p>The Secret is owned by the data planes' admin Service, which the chart renders, so {@code helm
 * uninstall} removes it too.
 */
public final class AdminTokenSecret {

  /** The Secret's key that holds the token. */
  public static final String KEY = "token";

  /** Characters of a generated token, from the same alphabet Helm's randAlphaNum used. */
  static final int LENGTH = 48;

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AdminTokenSecret() {}

  /**
   * The token in Secret {@code namespace/name}, making the Secret first when {@code generate} and
   * it does not exist.
   *
   * @param owner the admin Service that owns a Secret made here, or null for no owner
   * @throws IllegalStateException naming the Secret and what to do, when it is missing (and not to
   *     be made) or has no token
   */
  public static String ensure(
      KubernetesClient client, String namespace, String name, boolean generate, String owner) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null && generate) {
      try {
        secret = client.resource(newSecret(client, namespace, name, owner)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Another replica made it first: its token is the one.
        secret = client.secrets().inNamespace(namespace).withName(name).get();
      }
    }
    if (secret == null) {
      throw new IllegalStateException(
          "Secret "
              + namespace
              + "/"
              + name
              + " (adminToken.existingSecret) does not exist; create it with the data planes'"
              + " admin token under key \""
              + KEY
              + "\"");
    }
    String token = token(secret);
    if (token == null) {
      throw new IllegalStateException(
          "Secret "
              + namespace
              + "/"
              + name
              + " has no key \""
              + KEY
              + "\"; put the data planes' admin token under it");
    }
    return token;
  }

  private static String token(Secret secret) {
    Map<String, String> data = secret.getData();
    String encoded = data == null ? null : data.get(KEY);
    if (encoded != null && !encoded.isBlank()) {
      String token = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).trim();
      return token.isEmpty() ? null : token;
    }
    Map<String, String> plain = secret.getStringData();
    String token = plain == null ? null : plain.get(KEY);
    return token == null || token.isBlank() ? null : token.trim();
  }

  private static Secret newSecret(
      KubernetesClient client, String namespace, String name, String owner) {
    SecretBuilder secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "elbow-operator")
            .endMetadata()
            .withType("Opaque")
            .addToData(
                KEY,
                Base64.getEncoder().encodeToString(generate().getBytes(StandardCharsets.US_ASCII)));
    if (owner != null) {
      Service service = client.services().inNamespace(namespace).withName(owner).get();
      if (service != null) {
        secret.editMetadata().withOwnerReferences(ownedBy(service)).endMetadata();
      }
    }
    return secret.build();
  }

  private static OwnerReference ownedBy(Service service) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("Service")
        .withName(service.getMetadata().getName())
        .withUid(service.getMetadata().getUid())
        .build();
  }

  /** A new random token. */
  static String generate() {
    StringBuilder token = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      token.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return token.toString();
  }
}
