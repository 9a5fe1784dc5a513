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
  private final MemberTraffic traffic;
  private final int index;
  // Whether the group's current picker may choose this member; set by GroupRuntime#refresh.
  private volatile boolean takesTraffic;

  /**
   * @param index the member's position in its group, for tables kept per member
   */
  Member(MemberConfig config, HealthStatus health, MemberTraffic traffic, int index) {
    this.config = config;
    this.health = health;
    this.traffic = traffic;
    this.index = index;
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

  /** What the member has in progress and its slow start; the same object across snapshots. */
  public MemberTraffic traffic() {
    return traffic;
  }

  int index() {
    return index;
  }

  /**
   * Whether the group would pick this member for new traffic now: so a sticky session may keep
   * going to it. False once it is unhealthy, at weight 0 or out of the group.
   */
  public boolean takesTraffic() {
    return takesTraffic;
  }

  void takesTraffic(boolean value) {
    takesTraffic = value;
  }

  /** Whether the member may get new traffic while its group has members in service. */
  boolean inService() {
    HealthState state = health.state();
    return mayTakeTraffic()
        && !traffic.ejection().ejected()
        && (state == HealthState.HEALTHY || state == HealthState.UNMONITORED);
  }

  /** Whether the member is in the group's rotation at all: weight above 0 and not draining. */
  boolean mayTakeTraffic() {
    return config.weight() > 0 && !config.draining();
  }

  /** Whether the member may get traffic when no member of its group is in service. */
  boolean untested() {
    return mayTakeTraffic()
        && !traffic.ejection().ejected()
        && health.state() == HealthState.UNKNOWN;
  }

  @Override
  public String toString() {
    return config.endpoint();
  }
}
