package dev.elbow.snapshot;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Tells IP address literals from anything else, without ever doing a DNS lookup. */
public final class IpLiterals {

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?"
              + "(\\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*");

  private IpLiterals() {}

  /** True for a DNS name of letters, digits and hyphens in dot-separated labels. */
  public static boolean isHostName(String s) {
    return s != null && HOST_NAME.matcher(s).matches();
  }

  /** True for a dotted-quad IPv4 address or an IPv6 address without brackets or zone. */
  public static boolean isIpLiteral(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    // Only strings made of hex digits and colons reach InetAddress, which parses such a literal
    // itself; a host name is never passed, so no lookup can happen.
    if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(s);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
