package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Active health checking of a group's members. Ranges follow the ELB health check: a member turns
 * unhealthy after {@code unhealthyThreshold} failed checks in a row, healthy again after {@code
 * healthyThreshold} good ones.
 */
@ValidationRule(
    value = "self.timeoutSeconds < self.intervalSeconds",
    message = "timeoutSeconds must be less than intervalSeconds",
    fieldPath = ".timeoutSeconds",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.grpcService) || (has(self.protocol) && self.protocol == 'GRPC')",
    message = "grpcService applies only to GRPC checks; set protocol: GRPC or remove it",
    fieldPath = ".grpcService",
    reason = "FieldValueForbidden")
public class HealthCheck {

  @Default("true")
  @JsonPropertyDescription("false turns checks off: every member with a weight gets traffic.")
  private Boolean enabled = true;

  @JsonPropertyDescription(
      "TCP, HTTP, HTTPS (for TCP, HTTP and HTTPS groups), GRPC (the gRPC health checking"
          + " protocol, grpc.health.v1, for HTTP and HTTPS groups whose protocolVersion is HTTP2;"
          + " healthy while the member answers SERVING for grpcService) or UDP (for UDP and QUIC"
          + " groups). Defaults to the group's protocol (UDP for QUIC groups).")
  private HealthCheckProtocol protocol;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port to check, 1-65535. Defaults to each member's port.")
  private Integer port;

  @Min(1)
  @Max(50)
  @Default("5")
  @JsonPropertyDescription("Seconds between checks of a member, 1-50.")
  private Integer intervalSeconds = 5;

  @Min(1)
  @Max(50)
  @Default("3")
  @JsonPropertyDescription("Seconds a check may take, 1-50, less than intervalSeconds.")
  private Integer timeoutSeconds = 3;

  @Min(1)
  @Max(10)
  @Default("3")
  @JsonPropertyDescription("Good checks in a row that make an unhealthy member healthy, 1-10.")
  private Integer healthyThreshold = 3;

  @Min(1)
  @Max(10)
  @Default("3")
  @JsonPropertyDescription("Failed checks in a row that make a healthy member unhealthy, 1-10.")
  private Integer unhealthyThreshold = 3;

  @Pattern("^/.*")
  @Size(min = 1, max = 80)
  @JsonPropertyDescription("HTTP checks: path to request, starting with '/'. Defaults to '/'.")
  private String path;

  @Size(min = 1, max = 100)
  @JsonPropertyDescription("HTTP checks: Host header. Defaults to the member's address.")
  private String host;

  @Pattern("^[1-5][0-9]{2}(-[1-5][0-9]{2})?(,[1-5][0-9]{2}(-[1-5][0-9]{2})?)*$")
  @Size(max = 64)
  @JsonPropertyDescription(
      "HTTP checks: status codes that count as healthy, like '200', '200,202' or '200-204'."
          + " Defaults to '200'.")
  private String expectedCodes;

  @Size(max = 512)
  @JsonPropertyDescription(
      "UDP checks: text of the probe datagram (UTF-8). Defaults to an empty datagram.")
  private String udpSend;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "UDP checks: text the reply must contain. Defaults to accepting any reply; no reply within"
          + " the timeout, or an ICMP port-unreachable, fails the check either way.")
  private String udpExpect;

  @Size(max = 200)
  @JsonPropertyDescription(
      "GRPC checks: the service name asked about, as registered with the member's health"
          + " service (e.g. my.package.Orders). Defaults to the server as a whole (\"\").")
  private String grpcService;

  public String getGrpcService() {
    return grpcService;
  }

  public void setGrpcService(String grpcService) {
    this.grpcService = grpcService;
  }

  public String getUdpSend() {
    return udpSend;
  }

  public void setUdpSend(String udpSend) {
    this.udpSend = udpSend;
  }

  public String getUdpExpect() {
    return udpExpect;
  }

  public void setUdpExpect(String udpExpect) {
    this.udpExpect = udpExpect;
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public HealthCheckProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(HealthCheckProtocol protocol) {
    this.protocol = protocol;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getIntervalSeconds() {
    return intervalSeconds;
  }

  public void setIntervalSeconds(Integer intervalSeconds) {
    this.intervalSeconds = intervalSeconds;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Integer getHealthyThreshold() {
    return healthyThreshold;
  }

  public void setHealthyThreshold(Integer healthyThreshold) {
    this.healthyThreshold = healthyThreshold;
  }

  public Integer getUnhealthyThreshold() {
    return unhealthyThreshold;
  }

  public void setUnhealthyThreshold(Integer unhealthyThreshold) {
    this.unhealthyThreshold = unhealthyThreshold;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getExpectedCodes() {
    return expectedCodes;
  }

  public void setExpectedCodes(String expectedCodes) {
    this.expectedCodes = expectedCodes;
  }
}
