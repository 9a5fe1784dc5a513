package dev.elbow.operator.it;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An IPv4 address on this machine that an EndpointSlice accepts (not loopback, not link-local), to
 * stand in for a pod's. The tests make their own: one end of a veth pair that exists only on this
 * machine, with an address from the benchmarking range (198.18.0.0/15), so nothing ever leaves it.
 * Where that cannot be made (not root, no {@code ip}), the machine's own first address serves; a
 * machine with neither fails the test rather than skipping it.
 */
final class NonLoopbackAddress {

  /** The address the tests give their veth end. */
  static final String TEST_ADDRESS = "198.18.77.1";

  private static final String LINK = "elbow-pod0";
  private static String found;

  private NonLoopbackAddress() {}

  /** The address as text. */
  static synchronized String find() throws SocketException {
    if (found == null) {
      found = hasAddress(TEST_ADDRESS) || makeVeth() ? TEST_ADDRESS : firstOfMachine();
    }
    if (found == null) {
      throw new IllegalStateException(
          "no IPv4 address other than loopback here, and the test could not make one ("
              + "needs root and iproute2: ip link add "
              + LINK
              + " type veth)");
    }
    return found;
  }

  private static boolean makeVeth() {
    return run("ip", "link", "add", LINK, "type", "veth", "peer", "name", LINK + "-peer")
        && run("ip", "addr", "add", TEST_ADDRESS + "/32", "dev", LINK)
        && run("ip", "link", "set", LINK, "up")
        && run("ip", "link", "set", LINK + "-peer", "up");
  }

  private static boolean run(String... command) {
    try {
      Process process =
          new ProcessBuilder(List.of(command))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean hasAddress(String address) throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a.getHostAddress().equals(address)) {
          return nic.isUp();
        }
      }
    }
    return false;
  }

  private static String firstOfMachine() throws SocketException {
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
