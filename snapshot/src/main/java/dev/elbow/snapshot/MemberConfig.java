package dev.elbow.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One backend server of a group.
 *
 * @param address an IPv4 or IPv6 literal; never a host name, so the data plane does no DNS
 * @param port 1-65535
 * @param weight 0-100; 0 means the member gets no new connections or requests
 * @param source where the member came from, for status: {@code ip} (listed in the group), {@code
 *     service/NAME} (an endpoint of a Service) or {@code pods} (pods by label); null means {@code
 *     ip}
 * @param draining true when the member is going away (its pod is terminating): no new connections
 *     or requests, and the ones it has are closed once the group's deregistration delay runs out
 */
public record MemberConfig(
    String address,
    int port,
    int weight,
    String source,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean draining) {

  public MemberConfig {
    draining = Boolean.TRUE.equals(draining); // never null: absent from the JSON means false
  }

  /** Where members listed by address in the group come from. */
  public static final String FROM_IP = "ip";

  /** A member listed by address in the group, taking traffic. */
  public MemberConfig(String address, int port, int weight) {
    this(address, port, weight, null, false);
  }

  /** {@code address:port}, with brackets around IPv6 addresses. */
  public String endpoint() {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }
}
