package dev.elbow.snapshot;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone, so the operator can tell a user that
 * a Secret holds a bad key before any data plane sees it, and the data plane can hand both to any
 * TLS provider. Private keys are accepted as PKCS#8 ({@code BEGIN PRIVATE KEY}) or as PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}, what cert-manager writes for RSA keys by default), which is
 * rewrapped as PKCS#8.
 */
public final class PemMaterial {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private PemMaterial() {}

  /** The certificates of a PEM bundle, in order; fails if it holds none or a bad one. */
  public static List<X509Certificate> certificates(String pem) throws CertificateException {
    List<X509Certificate> result = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Collection<? extends java.security.cert.Certificate> parsed =
        factory.generateCertificates(
            new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    for (java.security.cert.Certificate certificate : parsed) {
      result.add((X509Certificate) certificate);
    }
    if (result.isEmpty()) {
      throw new CertificateException("no PEM certificate found");
    }
    return result;
  }

  /** The private key of a PEM block, PKCS#8 or PKCS#1 RSA. */
  public static PrivateKey privateKey(String pem) throws InvalidKeySpecException {
    byte[] pkcs8 = pkcs8(pem);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new InvalidKeySpecException("the key is not an RSA, EC or Ed25519 key");
  }

  /** The key as PEM PKCS#8, the one form every TLS provider reads. */
  public static String pkcs8Pem(String pem) throws InvalidKeySpecException {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8(pem))
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** What is wrong with a certificate and its key, for a listener's status; empty when fine. */
  public static List<String> problems(TlsCertificate tls) {
    List<String> problems = new ArrayList<>();
    X509Certificate leaf = null;
    try {
      leaf = certificates(tls.certificateChain() == null ? "" : tls.certificateChain()).get(0);
    } catch (CertificateException | RuntimeException e) {
      problems.add("tls.crt of " + tls.name() + " is not a PEM certificate: " + e.getMessage());
    }
    PrivateKey key = null;
    try {
      key = privateKey(tls.privateKey() == null ? "" : tls.privateKey());
    } catch (InvalidKeySpecException | RuntimeException e) {
      problems.add("tls.key of " + tls.name() + " is not a usable private key: " + e.getMessage());
    }
    if (leaf != null && key != null && !sameAlgorithm(leaf, key)) {
      problems.add(
          "tls.key of "
              + tls.name()
              + " does not belong to tls.crt (key type "
              + key.getAlgorithm()
              + ", certificate key type "
              + leaf.getPublicKey().getAlgorithm()
              + "); they must be a pair");
    }
    return problems;
  }

  /** What is wrong with a CA bundle, if anything. */
  public static Optional<String> certificateProblem(String pem) {
    try {
      certificates(pem);
      return Optional.empty();
    } catch (CertificateException | RuntimeException e) {
      return Optional.of("not a PEM certificate bundle: " + e.getMessage());
    }
  }

  private static boolean sameAlgorithm(X509Certificate leaf, PrivateKey key) {
    String a = leaf.getPublicKey().getAlgorithm();
    String b = key.getAlgorithm();
    return a.equals(b) || (a.startsWith("Ed") && b.startsWith("Ed"));
  }

  private static byte[] pkcs8(String pem) throws InvalidKeySpecException {
    Matcher block = BLOCK.matcher(pem);
    while (block.find()) {
      String type = block.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(block.group(2).trim());
      } catch (IllegalArgumentException e) {
        throw new InvalidKeySpecException("bad base64 in the PEM block " + type);
      }
      switch (type) {
        case "PRIVATE KEY":
          return der;
        case "RSA PRIVATE KEY":
          return rsaToPkcs8(der);
        case "ENCRYPTED PRIVATE KEY":
          throw new InvalidKeySpecException("the key is encrypted; store it unencrypted");
        case "EC PRIVATE KEY":
          throw new InvalidKeySpecException(
              "SEC1 EC keys are not read; convert with `openssl pkcs8 -topk8 -nocrypt`");
        default:
          // a certificate or parameters block before the key: skip it
      }
    }
    throw new InvalidKeySpecException("no PEM private key block found");
  }

  /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey: version 0, rsaEncryption, the key. */
  private static byte[] rsaToPkcs8(byte[] pkcs1) {
    byte[] octets = der(0x04, pkcs1);
    byte[] version = {0x02, 0x01, 0x00};
    byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
    System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length;
    if (n < 0x80) {
      length = new byte[] {(byte) n};
    } else if (n < 0x100) {
      length = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      length = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }
}
