package dev.elbow.snapshot;

/**
 * A certificate an HTTPS listener presents, with its private key, both PEM. The data plane reads
 * the host names it answers for (SNI) from the certificate itself.
 *
 * @param name {@code namespace/name} of the Secret it came from, for messages
 * @param certificateChain PEM certificates, the server's first
 * @param privateKey PEM PKCS#8 or PKCS#1 private key
 */
public record TlsCertificate(String name, String certificateChain, String privateKey) {

  /** Never prints the key: snapshots and their parts end up in logs and error messages. */
  @Override
  public String toString() {
    return "TlsCertificate[" + name + "]";
  }
}
