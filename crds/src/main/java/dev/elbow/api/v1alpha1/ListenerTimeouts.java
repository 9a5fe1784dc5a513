package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How long a listener waits. Ranges and defaults are the ELB listener timeouts. */
public class ListenerTimeouts {

  @Min(10)
  @Max(4000)
  @Default("300")
  @JsonPropertyDescription(
      "TCP listeners, and WebSocket connections on HTTP and HTTPS listeners once upgraded: seconds"
          + " a connection may pass no traffic either way before it is closed, 10-4000.")
  private Integer tcpIdleSeconds = 300;

  @Min(10)
  @Max(4000)
  @Default("300")
  @JsonPropertyDescription(
      "UDP listeners: seconds a flow (client address and port) may pass no datagram either way"
          + " before it is forgotten, 10-4000.")
  private Integer udpIdleSeconds = 300;

  @Min(0)
  @Max(4000)
  @Default("60")
  @JsonPropertyDescription(
      "HTTP and HTTPS listeners: seconds a client connection may stay idle between requests,"
          + " 0-4000; 0 closes it after every response.")
  private Integer httpKeepAliveSeconds = 60;

  @Min(1)
  @Max(300)
  @Default("60")
  @JsonPropertyDescription(
      "HTTP and HTTPS listeners: seconds a client has to send a whole request head once it began;"
          + " past it the client gets 408, 1-300.")
  private Integer requestSeconds = 60;

  @Min(1)
  @Max(300)
  @Default("60")
  @JsonPropertyDescription(
      "HTTP and HTTPS listeners: seconds a member may stay silent during an exchange; past it the"
          + " client gets 504, 1-300.")
  private Integer responseSeconds = 60;

  public Integer getTcpIdleSeconds() {
    return tcpIdleSeconds;
  }

  public void setTcpIdleSeconds(Integer tcpIdleSeconds) {
    this.tcpIdleSeconds = tcpIdleSeconds;
  }

  public Integer getUdpIdleSeconds() {
    return udpIdleSeconds;
  }

  public void setUdpIdleSeconds(Integer udpIdleSeconds) {
    this.udpIdleSeconds = udpIdleSeconds;
  }

  public Integer getHttpKeepAliveSeconds() {
    return httpKeepAliveSeconds;
  }

  public void setHttpKeepAliveSeconds(Integer httpKeepAliveSeconds) {
    this.httpKeepAliveSeconds = httpKeepAliveSeconds;
  }

  public Integer getRequestSeconds() {
    return requestSeconds;
  }

  public void setRequestSeconds(Integer requestSeconds) {
    this.requestSeconds = requestSeconds;
  }

  public Integer getResponseSeconds() {
    return responseSeconds;
  }

  public void setResponseSeconds(Integer responseSeconds) {
    this.responseSeconds = responseSeconds;
  }
}
