package dev.elbow.dataplane;

import dev.elbow.dataplane.transport.Transport;

/**
 * How a data plane is started; see {@link #builder}.
 *
 * @param listenAddress address the listener ports bind to, e.g. 0.0.0.0
 * @param adminAddress address of the admin API
 * @param adminPort port of the admin API; 0 picks a free one
 * @param adminToken the bearer token every admin call but the health probe must carry
 * @param ioThreads event loops for proxying and health checks; 0 means one per core
 * @param transport epoll or NIO
 * @param connectTimeoutMillis how long a connect to a member may take before the retry
 * @param udpMaxFlows the most UDP flows one listener socket keeps (each has a socket of its own);
 *     new flows past it are refused and counted. Listener timeouts come with each listener.
 * @param accessLog whether each HTTP request, TCP connection and UDP flow is logged to the {@code
 *     elbow.access} logger; off by default
 * @param maxConnections the most client connections open at once over every TCP, HTTP and HTTPS
 *     listener; past it new ones are closed as accepted and counted ({@code
 *     elbow_errors_total{kind="connection_limit"}}). 0, the default, derives it from the file
 *     descriptor limit (see {@link dev.elbow.dataplane.proxy.ConnectionLimit#resolve})
 */
public record DataPlaneOptions(
    String listenAddress,
    String adminAddress,
    int adminPort,
    String adminToken,
    int ioThreads,
    Transport transport,
    int connectTimeoutMillis,
    int udpMaxFlows,
    boolean accessLog,
    int maxConnections) {

  public DataPlaneOptions {
    if (adminToken == null || adminToken.isBlank()) {
      throw new IllegalArgumentException(
          "an admin token is required: set ELBOW_ADMIN_TOKEN or pass --admin-token-file");
    }
    if (maxConnections < 0) {
      throw new IllegalArgumentException("maxConnections is 0 (derived) or more");
    }
  }

  /** Every option but the admin token, which must never reach a log. */
  @Override
  public String toString() {
    return "DataPlaneOptions[listenAddress=%s, adminAddress=%s, adminPort=%d, adminToken=<redacted>,"
            .formatted(listenAddress, adminAddress, adminPort)
        + " ioThreads=%d, transport=%s, connectTimeoutMillis=%d, udpMaxFlows=%d, accessLog=%s, maxConnections=%d]"
            .formatted(
                ioThreads, transport, connectTimeoutMillis, udpMaxFlows, accessLog, maxConnections);
  }

  /** Options with ELB's defaults, on all addresses, with this admin token; change the rest. */
  public static Builder builder(String adminToken) {
    return new Builder(adminToken);
  }

  /** Builds {@link DataPlaneOptions}; every setter has the meaning of the record component. */
  public static final class Builder {
    private final String adminToken;
    private String listenAddress = "0.0.0.0";
    private String adminAddress = "0.0.0.0";
    private int adminPort = 9901;
    private int ioThreads;
    private Transport transport = Transport.best();
    private int connectTimeoutMillis = 5_000;
    private int udpMaxFlows = 16_384;
    private boolean accessLog;
    private int maxConnections;

    private Builder(String adminToken) {
      this.adminToken = adminToken;
    }

    public Builder listenAddress(String value) {
      listenAddress = value;
      return this;
    }

    public Builder adminAddress(String value) {
      adminAddress = value;
      return this;
    }

    public Builder adminPort(int value) {
      adminPort = value;
      return this;
    }

    public Builder ioThreads(int value) {
      ioThreads = value;
      return this;
    }

    public Builder transport(Transport value) {
      transport = value;
      return this;
    }

    public Builder connectTimeoutMillis(int value) {
      connectTimeoutMillis = value;
      return this;
    }

    public Builder udpMaxFlows(int value) {
      udpMaxFlows = value;
      return this;
    }

    public Builder accessLog(boolean value) {
      accessLog = value;
      return this;
    }

    public Builder maxConnections(int value) {
      maxConnections = value;
      return this;
    }

    public DataPlaneOptions build() {
      return new DataPlaneOptions(
          listenAddress,
          adminAddress,
          adminPort,
          adminToken,
          ioThreads,
          transport,
          connectTimeoutMillis,
          udpMaxFlows,
          accessLog,
          maxConnections);
    }
  }
}
