package dev.elbow.dataplane.proxy.udp;

import io.netty.buffer.ByteBuf;

/**
 * Finds the destination connection ID of a QUIC datagram, which the QUIC_CID algorithm hashes so
 * that a client keeps reaching the same member when its address or port changes (connection
 * migration, NAT rebinding).
 *
 * <p>RFC 9000 section 17 and the version-independent invariants of RFC 8999: a long header (first
 * bit 1) carries the ID's length in the byte after the 4-byte version; a short header (first bit 0)
 * does not, so its length is the one the servers issue, which the caller knows from configuration.
 * The second bit is QUIC's fixed bit; a datagram without it is not QUIC (or greases the bit, which
 * a peer may only do after agreeing to it, never in the first packets a load balancer sees).
 *
 * <p>The result is packed into one {@code long}, so looking the ID up allocates nothing: the ID's
 * offset in the buffer in the high half, its length in the low half. Two negative values say what
 * to do instead: {@link #NOT_QUIC} (not QUIC, or too short to be sure: hash the source address) and
 * {@link #MALFORMED} (claims to be QUIC version 1 or 2 and breaks its rules: drop and count).
 */
public final class QuicConnectionId {

  /** Not a QUIC packet, or too short to parse: fall back to the source address. */
  public static final long NOT_QUIC = -1;

  /** A QUIC packet that breaks the rules of its version: drop it and count it. */
  public static final long MALFORMED = -2;

  /** The longest connection ID QUIC versions 1 and 2 allow (RFC 9000 section 17.2). */
  public static final int MAX_V1_LENGTH = 20;

  private static final int VERSION_1 = 0x00000001;
  private static final int VERSION_2 = 0x6b3343cf; // RFC 9369

  private QuicConnectionId() {}

  /**
   * Locates the destination connection ID of the datagram between its reader and writer index.
   *
   * @param shortHeaderLength the connection ID length the servers issue (0-20), for short headers
   * @return {@code offset << 32 | length}, or {@link #NOT_QUIC} or {@link #MALFORMED}
   */
  public static long locate(ByteBuf datagram, int shortHeaderLength) {
    int start = datagram.readerIndex();
    int size = datagram.readableBytes();
    if (size < 1) {
      return NOT_QUIC;
    }
    int first = datagram.getUnsignedByte(start);
    if ((first & 0x40) == 0) {
      return NOT_QUIC; // no fixed bit
    }
    if ((first & 0x80) == 0) {
      // Short header: flags, then the ID of the length the servers chose.
      return size < 1 + shortHeaderLength ? NOT_QUIC : pack(start + 1, shortHeaderLength);
    }
    if (size < 6) {
      return NOT_QUIC; // flags, version, length byte
    }
    int version = datagram.getInt(start + 1);
    int length = datagram.getUnsignedByte(start + 5);
    boolean knownVersion = version == VERSION_1 || version == VERSION_2;
    if (knownVersion && length > MAX_V1_LENGTH) {
      return MALFORMED;
    }
    if (size < 6 + length) {
      return knownVersion ? MALFORMED : NOT_QUIC; // a truncated v1 packet is no use to a member
    }
    return pack(start + 6, length);
  }

  /**
   * Locates the Source Connection ID of a long-header packet: the ID its sender wants to receive in
   * every later packet. Packed like {@link #locate}; {@link #NOT_QUIC} for anything else.
   */
  public static long locateSource(ByteBuf datagram) {
    int start = datagram.readerIndex();
    int size = datagram.readableBytes();
    if (size < 7 || (datagram.getUnsignedByte(start) & 0xc0) != 0xc0) {
      return NOT_QUIC; // not a long header with the fixed bit
    }
    int destinationLength = datagram.getUnsignedByte(start + 5);
    int at = start + 6 + destinationLength;
    if (destinationLength > MAX_V1_LENGTH || at >= start + size) {
      return NOT_QUIC;
    }
    int length = datagram.getUnsignedByte(at);
    return length <= MAX_V1_LENGTH && at + 1 + length <= start + size
        ? pack(at + 1, length)
        : NOT_QUIC;
  }

  /** The offset of a located ID in its buffer. */
  public static int offset(long located) {
    return (int) (located >>> 32);
  }

  /** The length of a located ID. */
  public static int length(long located) {
    return (int) located;
  }

  /**
   * A 64-bit hash of a located ID's bytes (FNV-1a, then a final mix so that IDs differing only in
   * their last bytes still spread over the whole range a consistent hash looks at).
   */
  public static long hash(ByteBuf datagram, long located) {
    int from = offset(located);
    int to = from + length(located);
    long h = 0xcbf29ce484222325L;
    for (int i = from; i < to; i++) {
      h ^= datagram.getByte(i) & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  private static long pack(int offset, int length) {
    return ((long) offset << 32) | length;
  }
}
