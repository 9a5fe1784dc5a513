package dev.elbow.snapshot;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare
 * address is a range of one. Matching compares bytes and allocates nothing.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses a range, or throws IllegalArgumentException saying what is wrong.
   *
   * @throws IllegalArgumentException when {@code text} is not an address with an optional prefix
   */
  public static Cidr parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a range must not be empty");
    }
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    if (!IpLiterals.isIpLiteral(address)) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not an IPv4 or IPv6 range such as 10.0.0.0/8 or fd00::/8");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IP address range");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0-" + bits);
      }
    }
    return new Cidr(bytes, prefix, text);
  }

  /** Whether the address is in this range (an IPv4 address never is in an IPv6 range). */
  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (candidate[whole] & mask) == (network[whole] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
