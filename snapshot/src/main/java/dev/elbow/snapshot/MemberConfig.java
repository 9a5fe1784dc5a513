package dev.elbow.snapshot;

/**
 * One backend server of a group.
 *
 * @param address an IPv4 or IPv6 literal; never a host name, so the data plane does no DNS
 * @param port 1-65535
 * @param weight 0-100; 0 means the member gets no new connections or requests
 */
public record MemberConfig(String address, int port, int weight) {

  /** {@code address:port}, with brackets around IPv6 addresses. */
  public String endpoint() {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }
}
