package dev.elbow.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * How the data plane actively checks the members of a group.
 *
 * <p>A member turns unhealthy after {@code unhealthyThreshold} failed checks in a row and healthy
 * again after {@code healthyThreshold} good ones. The first check of a new member decides its state
 * at once, so traffic does not wait several intervals for a member that is up.
 *
 * @param enabled false turns health checking off: every member with a weight gets traffic
 * @param protocol how to probe: TCP connect, HTTP(S) request, or UDP
 * @param port the port to probe; null means each member's own port
 * @param intervalSeconds time between the starts of two checks of a member, 1-50
 * @param timeoutSeconds time a check may take, 1-50 and less than the interval
 * @param healthyThreshold good checks in a row that make an unhealthy member healthy, 1-10
 * @param unhealthyThreshold failed checks in a row that make a healthy member unhealthy, 1-10
 * @param path HTTP checks only: the request path, starting with '/'
 * @param host HTTP checks only: the Host header; null means the member's address
 * @param expectedCodes HTTP checks only: status codes that count as healthy, e.g. "200-204,301"
 * @param udpSend UDP checks only: the probe datagram's payload (UTF-8); null sends an empty one
 * @param udpExpect UDP checks only: text the reply must contain; null accepts any reply. No reply
 *     within the timeout, or an ICMP port-unreachable, is a failure either way
 * @param grpcService gRPC checks only: the service name asked about; null or empty asks about the
 *     server as a whole
 */
public record HealthCheckConfig(
    boolean enabled,
    HealthCheckProtocol protocol,
    Integer port,
    int intervalSeconds,
    int timeoutSeconds,
    int healthyThreshold,
    int unhealthyThreshold,
    String path,
    String host,
    String expectedCodes,
    String udpSend,
    String udpExpect,
    String grpcService) {

  /** No health checking. */
  public static final HealthCheckConfig DISABLED =
      new HealthCheckConfig(false, null, null, 0, 0, 0, 0, null, null, null, null, null, null);

  /** A check that is not a gRPC check. */
  public HealthCheckConfig(
      boolean enabled,
      HealthCheckProtocol protocol,
      Integer port,
      int intervalSeconds,
      int timeoutSeconds,
      int healthyThreshold,
      int unhealthyThreshold,
      String path,
      String host,
      String expectedCodes,
      String udpSend,
      String udpExpect) {
    this(
        enabled,
        protocol,
        port,
        intervalSeconds,
        timeoutSeconds,
        healthyThreshold,
        unhealthyThreshold,
        path,
        host,
        expectedCodes,
        udpSend,
        udpExpect,
        null);
  }

  /** A TCP, HTTP or HTTPS check. */
  public HealthCheckConfig(
      boolean enabled,
      HealthCheckProtocol protocol,
      Integer port,
      int intervalSeconds,
      int timeoutSeconds,
      int healthyThreshold,
      int unhealthyThreshold,
      String path,
      String host,
      String expectedCodes) {
    this(
        enabled,
        protocol,
        port,
        intervalSeconds,
        timeoutSeconds,
        healthyThreshold,
        unhealthyThreshold,
        path,
        host,
        expectedCodes,
        null,
        null);
  }

  /** True for checks that send an HTTP request. */
  @JsonIgnore
  public boolean isHttp() {
    return protocol == HealthCheckProtocol.HTTP || protocol == HealthCheckProtocol.HTTPS;
  }
}
