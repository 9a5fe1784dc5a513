package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A UDP backend on loopback that answers each datagram with {@code name:payload}, and remembers the
 * client ports it saw (the proxy's backend-side sockets). It can be told to stay silent, and
 * stopping it closes the port, so datagrams to it draw ICMP port-unreachable. Given an answer
 * function, it answers with what that returns for each datagram instead (nothing for null).
 */
public final class UdpEchoServer implements AutoCloseable {

  private final String name;
  private final Function<byte[], String> answer;
  private final DatagramSocket socket;
  private final int port;
  private final Set<Integer> peers = ConcurrentHashMap.newKeySet();
  private volatile boolean silent;
  private volatile int largest;

  private UdpEchoServer(String name, Function<byte[], String> answer) {
    this.name = name;
    this.answer = answer;
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    this.port = socket.getLocalPort();
    Thread thread = new Thread(this::serve, "udp-echo-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  public static UdpEchoServer start(String name) {
    return new UdpEchoServer(
        name, payload -> name + ":" + new String(payload, StandardCharsets.UTF_8));
  }

  /** A backend that answers each datagram with what {@code answer} returns, or not at all. */
  public static UdpEchoServer answering(String name, Function<byte[], String> answer) {
    return new UdpEchoServer(name, answer);
  }

  /** The port, also after {@link #close}. */
  public int port() {
    return port;
  }

  /** Stops answering, while keeping the port open (no ICMP either). */
  public void silent(boolean value) {
    silent = value;
  }

  /** The length of the largest datagram received. */
  public int largest() {
    return largest;
  }

  /** The source ports datagrams came from. */
  public Set<Integer> peers() {
    return peers;
  }

  private void serve() {
    byte[] buffer = new byte[65_535];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        return; // closed
      }
      peers.add(packet.getPort());
      largest = Math.max(largest, packet.getLength());
      if (silent) {
        continue;
      }
      byte[] payload = Arrays.copyOf(packet.getData(), packet.getLength());
      String text = answer.apply(payload);
      if (text == null) {
        continue;
      }
      byte[] reply = text.getBytes(StandardCharsets.UTF_8);
      try {
        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
