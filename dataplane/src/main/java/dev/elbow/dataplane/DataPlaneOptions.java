package dev.elbow.dataplane;

import dev.elbow.dataplane.transport.Transport;

/**
 * How a data plane is started. Start from {@link #defaults} and change what differs.
 *
 * @param listenAddress address the listener ports bind to, e.g. 0.0.0.0
 * @param adminAddress address of the admin API
 * @param adminPort port of the admin API; 0 picks a free one
 * @param adminToken the bearer token every admin call but the health probe must carry
 * @param ioThreads event loops for proxying and health checks; 0 means one per core
 * @param transport epoll or NIO
 * @param connectTimeoutMillis how long a connect to a member may take before the retry
 * @param tcpIdleSeconds TCP connections idle for this long are closed (ELB default 300)
 * @param httpIdleSeconds client HTTP connections idle for this long are closed (ELB default 60)
 * @param responseTimeoutSeconds a member that sends nothing for this long during an exchange gets
 *     the client a 504 (ELB default 60); pooled connections idle this long are closed
 */
public record DataPlaneOptions(
    String listenAddress,
    String adminAddress,
    int adminPort,
    String adminToken,
    int ioThreads,
    Transport transport,
    int connectTimeoutMillis,
    int tcpIdleSeconds,
    int httpIdleSeconds,
    int responseTimeoutSeconds) {

  public DataPlaneOptions {
    if (adminToken == null || adminToken.isBlank()) {
      throw new IllegalArgumentException(
          "an admin token is required: set ELBOW_ADMIN_TOKEN or pass --admin-token-file");
    }
  }

  /** Defaults for a data plane on all addresses, with this admin port and token. */
  public static DataPlaneOptions defaults(int adminPort, String adminToken) {
    return new DataPlaneOptions(
        "0.0.0.0", "0.0.0.0", adminPort, adminToken, 0, Transport.best(), 5_000, 300, 60, 60);
  }

  public DataPlaneOptions withListenAddress(String address) {
    return new DataPlaneOptions(
        address,
        adminAddress,
        adminPort,
        adminToken,
        ioThreads,
        transport,
        connectTimeoutMillis,
        tcpIdleSeconds,
        httpIdleSeconds,
        responseTimeoutSeconds);
  }

  public DataPlaneOptions withAdminAddress(String address) {
    return new DataPlaneOptions(
        listenAddress,
        address,
        adminPort,
        adminToken,
        ioThreads,
        transport,
        connectTimeoutMillis,
        tcpIdleSeconds,
        httpIdleSeconds,
        responseTimeoutSeconds);
  }

  public DataPlaneOptions withIoThreads(int threads) {
    return new DataPlaneOptions(
        listenAddress,
        adminAddress,
        adminPort,
        adminToken,
        threads,
        transport,
        connectTimeoutMillis,
        tcpIdleSeconds,
        httpIdleSeconds,
        responseTimeoutSeconds);
  }

  public DataPlaneOptions withTransport(Transport chosen) {
    return new DataPlaneOptions(
        listenAddress,
        adminAddress,
        adminPort,
        adminToken,
        ioThreads,
        chosen,
        connectTimeoutMillis,
        tcpIdleSeconds,
        httpIdleSeconds,
        responseTimeoutSeconds);
  }

  public DataPlaneOptions withResponseTimeoutSeconds(int seconds) {
    return new DataPlaneOptions(
        listenAddress,
        adminAddress,
        adminPort,
        adminToken,
        ioThreads,
        transport,
        connectTimeoutMillis,
        tcpIdleSeconds,
        httpIdleSeconds,
        seconds);
  }
}
