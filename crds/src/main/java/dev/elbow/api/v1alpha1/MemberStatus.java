package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A member's health as the data plane reports it. */
public class MemberStatus {

  @JsonPropertyDescription("The member's address.")
  private String address;

  @JsonPropertyDescription("The member's port.")
  private Integer port;

  @JsonPropertyDescription(
      "Where the member comes from: ip (listed in members) or service/NAME (an endpoint of a"
          + " Service).")
  private String source;

  @JsonPropertyDescription("The member's weight.")
  private Integer weight;

  @JsonPropertyDescription(
      "Healthy, Unhealthy, Draining (weight 0 or terminating: no new connections or requests;"
          + " open ones finish) or Unknown (not checked yet, or health checks are off).")
  private String health;

  @JsonPropertyDescription(
      "While slow start ramps the member up: the weight it gets now; absent at full weight.")
  private Integer effectiveWeight;

  @JsonPropertyDescription(
      "How many data-plane replicas find the member healthy, of how many, e.g. 2/2; health is the"
          + " worst any replica reports.")
  private String healthyReplicas;

  @JsonPropertyDescription("Why the last check failed, e.g. 'connection refused' or 'HTTP 503'.")
  private String reason;

  @JsonPropertyDescription("When the member entered its current health, RFC 3339.")
  private String lastTransitionTime;

  @JsonPropertyDescription(
      "While passive health has ejected the member: when the ejection ends, RFC 3339 (health is"
          + " Unhealthy and the reason says why).")
  private String ejectedUntil;

  public MemberStatus() {}

  public MemberStatus(String address, int port, String health, String reason, String since) {
    this.address = address;
    this.port = port;
    this.health = health;
    this.reason = reason;
    this.lastTransitionTime = since;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getHealth() {
    return health;
  }

  public void setHealth(String health) {
    this.health = health;
  }

  public String getHealthyReplicas() {
    return healthyReplicas;
  }

  public void setHealthyReplicas(String healthyReplicas) {
    this.healthyReplicas = healthyReplicas;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public Integer getEffectiveWeight() {
    return effectiveWeight;
  }

  public void setEffectiveWeight(Integer effectiveWeight) {
    this.effectiveWeight = effectiveWeight;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
  }

  public String getEjectedUntil() {
    return ejectedUntil;
  }

  public void setEjectedUntil(String ejectedUntil) {
    this.ejectedUntil = ejectedUntil;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberStatus m
        && Objects.equals(address, m.address)
        && Objects.equals(port, m.port)
        && Objects.equals(source, m.source)
        && Objects.equals(weight, m.weight)
        && Objects.equals(health, m.health)
        && Objects.equals(effectiveWeight, m.effectiveWeight)
        && Objects.equals(healthyReplicas, m.healthyReplicas)
        && Objects.equals(reason, m.reason)
        && Objects.equals(lastTransitionTime, m.lastTransitionTime)
        && Objects.equals(ejectedUntil, m.ejectedUntil);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        address,
        port,
        source,
        weight,
        health,
        effectiveWeight,
        healthyReplicas,
        reason,
        lastTransitionTime,
        ejectedUntil);
  }

  @Override
  public String toString() {
    return address
        + ":"
        + port
        + " "
        + health
        + (effectiveWeight == null ? "" : " at weight " + effectiveWeight)
        + (reason == null ? "" : " (" + reason + ")")
        + (ejectedUntil == null ? "" : " until " + ejectedUntil);
  }
}
