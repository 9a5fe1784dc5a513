package dev.elbow.dataplane.health;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The probe datagram of a UDP check on a QUIC member when no payload is configured: a 1200-byte
 * Initial packet of a reserved version ({@code 0x?a?a?a?a}, RFC 9000 section 15). A QUIC server
 * must answer it with a Version Negotiation packet (RFC 9000 section 6.1), so a member that answers
 * speaks QUIC on that port, and one that stays silent does not. A plain datagram would get no
 * answer from any QUIC server, healthy or not.
 */
final class QuicVersionProbe {

  /** Servers ignore shorter Initial packets of unknown versions (anti-amplification). */
  static final int SIZE = 1200;

  private static final int RESERVED_VERSION = 0x1a2a3a4a;

  private QuicVersionProbe() {}

  /** A fresh probe with random connection IDs. */
  static byte[] packet() {
    byte[] packet = new byte[SIZE];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    packet[0] = (byte) (0xc0 | random.nextInt(0x10)); // long header, fixed bit, Initial type
    packet[1] = (byte) (RESERVED_VERSION >>> 24);
    packet[2] = (byte) (RESERVED_VERSION >>> 16);
    packet[3] = (byte) (RESERVED_VERSION >>> 8);
    packet[4] = (byte) RESERVED_VERSION;
    packet[5] = 8; // destination connection ID length
    for (int i = 6; i < 14; i++) {
      packet[i] = (byte) random.nextInt();
    }
    packet[14] = 8; // source connection ID length
    for (int i = 15; i < 23; i++) {
      packet[i] = (byte) random.nextInt();
    }
    return packet; // the rest is padding
  }

  /** Whether a reply is a Version Negotiation packet: long header, version 0. */
  static boolean isVersionNegotiation(ByteBuf reply) {
    int at = reply.readerIndex();
    return reply.readableBytes() >= 7
        && (reply.getUnsignedByte(at) & 0x80) != 0
        && reply.getInt(at + 1) == 0;
  }
}
