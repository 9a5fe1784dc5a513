package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A NAT between a UDP client and a server, on loopback: the client talks to {@link #port()}, and
 * the NAT forwards from an outbound socket of its own. {@link #rebind()} swaps that socket for a
 * new one, as a home router does when it forgets a mapping, so the server sees the same client
 * arrive from a new port in the middle of a conversation.
 */
public final class NatRebinder implements AutoCloseable {

  private final DatagramSocket inside;
  private final InetSocketAddress server;
  private volatile DatagramSocket outside;
  private volatile SocketAddress client;

  public NatRebinder(int serverPort) {
    server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
    try {
      inside = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    outside = newOutside();
    daemon("nat-inside", this::forwardOut);
  }

  /** The port clients send to. */
  public int port() {
    return inside.getLocalPort();
  }

  /** The port the server sees the client on now. */
  public int outsidePort() {
    return outside.getLocalPort();
  }

  /** Moves the client to a new outside port; the old one is closed. */
  public void rebind() {
    DatagramSocket old = outside;
    outside = newOutside();
    old.close();
  }

  private DatagramSocket newOutside() {
    try {
      DatagramSocket socket =
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      daemon("nat-outside-" + socket.getLocalPort(), () -> forwardBack(socket));
      return socket;
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void forwardOut() {
    byte[] buffer = new byte[65_535];
    while (!inside.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        inside.receive(packet);
        client = packet.getSocketAddress();
        outside.send(new DatagramPacket(buffer, packet.getLength(), server));
      } catch (IOException e) {
        if (inside.isClosed()) {
          return;
        } // else the outside socket was just swapped: drop this one datagram, as a NAT would
      }
    }
  }

  private void forwardBack(DatagramSocket socket) {
    byte[] buffer = new byte[65_535];
    while (!socket.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        if (client != null) {
          inside.send(new DatagramPacket(buffer, packet.getLength(), client));
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    inside.close();
    outside.close();
  }
}
