package dev.elbow.snapshot;

/**
 * How the data plane speaks TLS to the members of an HTTPS group.
 *
 * <p>Exactly one of {@code caBundle} and {@code insecureSkipVerify} decides trust: members are
 * verified against the bundle, or, only when a user said so explicitly, not at all. There is no
 * third way, and in particular no silent trust-all.
 *
 * @param caBundle PEM certificates of the authorities that sign the members' certificates; null
 *     only with {@code insecureSkipVerify}
 * @param insecureSkipVerify true accepts any certificate a member presents
 * @param serverName the name sent by SNI and matched against the member's certificate; null sends
 *     no SNI and checks the certificate chain only (as HAProxy's {@code verify required} without
 *     {@code verifyhost})
 */
public record BackendTls(String caBundle, boolean insecureSkipVerify, String serverName) {}
