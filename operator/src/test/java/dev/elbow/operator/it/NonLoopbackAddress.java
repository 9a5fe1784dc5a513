package dev.elbow.operator.it;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** This machine's first IPv4 address that an EndpointSlice accepts (not loopback, link-local). */
final class NonLoopbackAddress {

  private NonLoopbackAddress() {}

  /** The address as text, or null when the machine has none. */
  static String find() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address
            && !address.isLoopbackAddress()
            && !address.isLinkLocalAddress()
            && !address.isMulticastAddress()) {
          return address.getHostAddress();
        }
      }
    }
    return null;
  }
}
