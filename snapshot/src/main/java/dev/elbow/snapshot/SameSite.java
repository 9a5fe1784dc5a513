package dev.elbow.snapshot;

/** The SameSite attribute of a cookie the load balancer issues (RFC 6265bis). */
public enum SameSite {
  STRICT("Strict"),
  LAX("Lax"),
  NONE("None");

  private final String attribute;

  SameSite(String attribute) {
    this.attribute = attribute;
  }

  /** The value as it is written in Set-Cookie. */
  public String attribute() {
    return attribute;
  }
}
