package dev.elbow.dataplane.proxy;

import dev.elbow.snapshot.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes the PROXY protocol header (HAProxy's specification, sections 2.1 and 2.2) a TCP member
 * gets before the client's bytes, and a UDP member before each datagram (version 2 only, whose
 * DGRAM transport the text version 1 lacks): the client's address and port, and the address it sent
 * to.
 */
public final class ProxyHeaders {

  /** The v2 signature, then version 2 with the PROXY command. */
  private static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21
  };

  private static final byte TCP4 = 0x11;
  private static final byte TCP6 = 0x21;
  private static final byte UDP4 = 0x12;
  private static final byte UDP6 = 0x22;

  /**
   * Version 2 with the LOCAL command and no addresses: what the proxy sends for itself (health
   * checks), which a member takes as coming from the proxy, not from a client.
   */
  private static final byte[] V2_LOCAL = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00
  };

  private ProxyHeaders() {}

  /** The header for a connection from {@code source} to {@code destination}. */
  public static ByteBuf encode(
      ByteBufAllocator alloc,
      ProxyProtocol version,
      InetSocketAddress source,
      InetSocketAddress destination) {
    // Both addresses in one family: an IPv4 client on an IPv6 socket is sent as IPv4-mapped.
    boolean v4 =
        source.getAddress() instanceof Inet4Address
            && destination.getAddress() instanceof Inet4Address;
    byte[] from = bytes(source, v4);
    byte[] to = bytes(destination, v4);
    if (version == ProxyProtocol.V1) {
      String line =
          "PROXY "
              + (v4 ? "TCP4 " : "TCP6 ")
              + text(from)
              + " "
              + text(to)
              + " "
              + source.getPort()
              + " "
              + destination.getPort()
              + "\r\n";
      return alloc.buffer(line.length()).writeBytes(line.getBytes(StandardCharsets.US_ASCII));
    }
    return alloc
        .buffer(16 + 2 * from.length + 4)
        .writeBytes(v2(v4 ? TCP4 : TCP6, from, to, source, destination));
  }

  /** The version 2 header each datagram of a UDP flow from {@code source} carries. */
  public static byte[] datagram(InetSocketAddress source, InetSocketAddress destination) {
    boolean v4 =
        source.getAddress() instanceof Inet4Address
            && destination.getAddress() instanceof Inet4Address;
    return v2(v4 ? UDP4 : UDP6, bytes(source, v4), bytes(destination, v4), source, destination);
  }

  /** The version 2 LOCAL header: the proxy speaking for itself, as in a health check. */
  public static byte[] local() {
    return V2_LOCAL.clone();
  }

  private static byte[] v2(
      byte family,
      byte[] from,
      byte[] to,
      InetSocketAddress source,
      InetSocketAddress destination) {
    ByteBuffer out = ByteBuffer.allocate(16 + 2 * from.length + 4);
    out.put(V2_SIGNATURE).put(family).putShort((short) (2 * from.length + 4));
    out.put(from).put(to);
    out.putShort((short) source.getPort()).putShort((short) destination.getPort());
    return out.array();
  }

  private static byte[] bytes(InetSocketAddress address, boolean v4) {
    byte[] raw = address.getAddress().getAddress();
    if (v4 || raw.length == 16) {
      return raw;
    }
    byte[] mapped = new byte[16]; // ::ffff:a.b.c.d
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(raw, 0, mapped, 12, 4);
    return mapped;
  }

  private static String text(byte[] address) {
    return NetUtil.bytesToIpAddress(address);
  }
}
