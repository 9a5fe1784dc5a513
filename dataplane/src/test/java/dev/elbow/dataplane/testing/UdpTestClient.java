package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A UDP client with its own local port, for tests; a request waits at most a second. */
public final class UdpTestClient implements AutoCloseable {

  private final DatagramSocket socket;

  public UdpTestClient(int port) {
    try {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      socket.setSoTimeout(1000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a datagram and returns the reply, or null if none came within a second. */
  public String request(String payload) {
    send(payload.getBytes(StandardCharsets.UTF_8));
    return receive();
  }

  public void send(byte[] payload) {
    try {
      socket.send(new DatagramPacket(payload, payload.length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next datagram as text, or null if none came within a second. */
  public String receive() {
    byte[] buffer = new byte[65_535];
    DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(reply);
      return new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int localPort() {
    return socket.getLocalPort();
  }

  @Override
  public void close() {
    socket.close();
  }
}
