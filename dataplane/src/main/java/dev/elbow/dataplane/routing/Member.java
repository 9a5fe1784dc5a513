package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.health.HealthStatus;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberConfig;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** A backend server as the data plane routes to it: where it is, its weight, its health. */
public final class Member {

  private final MemberConfig config;
  private final InetSocketAddress socketAddress;
  private final HealthStatus health;

  Member(MemberConfig config, HealthStatus health) {
    this.config = config;
    this.health = health;
    this.socketAddress = new InetSocketAddress(literal(config.address()), config.port());
  }

  private static InetAddress literal(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      throw new IllegalArgumentException(address + " is not an IP address");
    }
    try {
      return InetAddress.getByAddress(bytes); // no lookup: the bytes are the address
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address + " is not an IP address", e);
    }
  }

  public MemberConfig config() {
    return config;
  }

  /** The resolved address to connect to. */
  public InetSocketAddress socketAddress() {
    return socketAddress;
  }

  public HealthStatus health() {
    return health;
  }

  public int weight() {
    return config.weight();
  }

  /** Whether the member may get new traffic while its group has members in service. */
  boolean inService() {
    HealthState state = health.state();
    return config.weight() > 0
        && (state == HealthState.HEALTHY || state == HealthState.UNMONITORED);
  }

  /** Whether the member may get traffic when no member of its group is in service. */
  boolean untested() {
    return config.weight() > 0 && health.state() == HealthState.UNKNOWN;
  }

  @Override
  public String toString() {
    return config.endpoint();
  }
}
