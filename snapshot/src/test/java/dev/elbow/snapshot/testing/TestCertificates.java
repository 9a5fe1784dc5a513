package dev.elbow.snapshot.testing;

import dev.elbow.snapshot.TlsCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The test certificates of {@code src/test/resources/tls} (made by {@code make-certs.sh} there): a
 * test CA, {@code default} for localhost and www.example.test (RSA), {@code api} for
 * api.example.test (EC), {@code backend} for backend.example.test and localhost, and a CA that
 * signed none of them.
 */
public final class TestCertificates {

  private TestCertificates() {}

  /** One file of the folder, as text. */
  public static String pem(String file) {
    try (InputStream in = TestCertificates.class.getResourceAsStream("/tls/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no test file tls/" + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code name.crt} and {@code name.key} as a listener certificate named {@code test/name}. */
  public static TlsCertificate certificate(String name) {
    return new TlsCertificate("test/" + name, pem(name + ".crt"), pem(name + ".key"));
  }
}
