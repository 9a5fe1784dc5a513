package dev.elbow.dataplane.proxy.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The QUIC header parser on the packets of RFC 9001's appendix A (real, protected packets of QUIC
 * version 1 as they cross the wire) and on short, garbage and rule-breaking datagrams.
 */
class QuicConnectionIdTest {

  /** RFC 9001 A.2: the client's Initial, as sent (header protection applied); the first bytes. */
  private static final String CLIENT_INITIAL =
      "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7";

  /** RFC 9001 A.3: the server's Initial: an empty destination ID, an 8-byte source ID. */
  private static final String SERVER_INITIAL =
      "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd2";

  /** RFC 9001 A.5: a short-header packet with an empty destination connection ID. */
  private static final String SHORT_HEADER = "4cfe4189655e5cd55c41f69080575d7999c25a5bfb";

  @Test
  void clientInitialCarriesTheIdTheClientChose() {
    ByteBuf packet = hex(CLIENT_INITIAL);
    long located = QuicConnectionId.locate(packet, 8);
    assertThat(idHex(packet, located)).isEqualTo("8394c8f03e515708");
    packet.release();
  }

  @Test
  void serverInitialHasAnEmptyDestinationId() {
    ByteBuf packet = hex(SERVER_INITIAL);
    long located = QuicConnectionId.locate(packet, 8);
    assertThat(QuicConnectionId.length(located)).isZero();
    assertThat(QuicConnectionId.offset(located)).isEqualTo(6);
    packet.release();
  }

  @Test
  void theServersSourceIdIsTheIdOfLaterPackets() {
    ByteBuf server = hex(SERVER_INITIAL); // RFC 9001 A.3: source connection ID f067a5502a4262b5
    ByteBuf client = hex(CLIENT_INITIAL); // the client's own source ID is empty
    ByteBuf shortHeader = hex(SHORT_HEADER);
    assertThat(idHex(server, QuicConnectionId.locateSource(server))).isEqualTo("f067a5502a4262b5");
    assertThat(QuicConnectionId.length(QuicConnectionId.locateSource(client))).isZero();
    assertThat(QuicConnectionId.locateSource(shortHeader)).isEqualTo(QuicConnectionId.NOT_QUIC);
    ByteBuf truncated = hex("c000000001" + "14"); // says a 20-byte ID follows, and ends
    assertThat(QuicConnectionId.locateSource(truncated)).isEqualTo(QuicConnectionId.NOT_QUIC);
    truncated.release();
    server.release();
    client.release();
    shortHeader.release();
  }

  @Test
  void shortHeaderUsesTheConfiguredLength() {
    ByteBuf packet = hex(SHORT_HEADER);
    assertThat(QuicConnectionId.length(QuicConnectionId.locate(packet, 0))).isZero();
    long located = QuicConnectionId.locate(packet, 8);
    assertThat(idHex(packet, located)).isEqualTo("fe4189655e5cd55c");
    packet.release();
  }

  @Test
  void theIdIsFoundFromTheReaderIndexNotTheStartOfTheBuffer() {
    ByteBuf packet = hex("ffff" + CLIENT_INITIAL);
    packet.skipBytes(2);
    assertThat(idHex(packet, QuicConnectionId.locate(packet, 8))).isEqualTo("8394c8f03e515708");
    packet.release();
  }

  @Test
  void sameIdSameHashWhateverElseChanges() {
    ByteBuf a = hex("4a" + "0102030405060708" + "aaaaaaaa");
    ByteBuf b = hex("5b" + "0102030405060708" + "bbbbbbbbbbbbbbbb");
    ByteBuf c = hex("4a" + "0102030405060709" + "aaaaaaaa");
    long ha = QuicConnectionId.hash(a, QuicConnectionId.locate(a, 8));
    assertThat(QuicConnectionId.hash(b, QuicConnectionId.locate(b, 8))).isEqualTo(ha);
    assertThat(QuicConnectionId.hash(c, QuicConnectionId.locate(c, 8))).isNotEqualTo(ha);
    a.release();
    b.release();
    c.release();
  }

  @Test
  void shortOrForeignDatagramsFallBackToTheSourceAddress() {
    assertThat(locate("")).isEqualTo(QuicConnectionId.NOT_QUIC);
    assertThat(locate("00")).as("no fixed bit").isEqualTo(QuicConnectionId.NOT_QUIC);
    assertThat(locate("8000000001080102"))
        .as("long header without fixed bit")
        .isEqualTo(QuicConnectionId.NOT_QUIC);
    assertThat(locate("c0000000"))
        .as("cut inside the version")
        .isEqualTo(QuicConnectionId.NOT_QUIC);
    assertThat(locate("4001020304"))
        .as("short header shorter than the ID")
        .isEqualTo(QuicConnectionId.NOT_QUIC);
    assertThat(locate("c0abcdef12" + "05" + "0102"))
        .as("unknown version, cut inside its ID")
        .isEqualTo(QuicConnectionId.NOT_QUIC);
  }

  @Test
  void versionOneRuleBreakersAreMalformed() {
    assertThat(locate("c000000001" + "15" + "00".repeat(21)))
        .as("21-byte ID in version 1")
        .isEqualTo(QuicConnectionId.MALFORMED);
    assertThat(locate("c06b3343cf" + "ff" + "00".repeat(255)))
        .as("255-byte ID in version 2")
        .isEqualTo(QuicConnectionId.MALFORMED);
    assertThat(locate("c000000001" + "08" + "0102"))
        .as("version 1, cut inside its ID")
        .isEqualTo(QuicConnectionId.MALFORMED);
  }

  @Test
  void unknownVersionsMayCarryLongIdsAsTheInvariantsAllow() {
    ByteBuf packet = hex("c0abcdef12" + "30" + "11".repeat(48));
    assertThat(QuicConnectionId.length(QuicConnectionId.locate(packet, 8))).isEqualTo(48);
    packet.release();
  }

  @Test
  void garbageNeverThrowsAndAlwaysLandsInsideTheDatagram() {
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      ByteBuf datagram = Unpooled.wrappedBuffer(bytes);
      long located = QuicConnectionId.locate(datagram, random.nextInt(21));
      if (located >= 0) {
        int end = QuicConnectionId.offset(located) + QuicConnectionId.length(located);
        assertThat(end).isLessThanOrEqualTo(bytes.length);
        QuicConnectionId.hash(datagram, located);
      } else {
        assertThat(located).isIn(QuicConnectionId.NOT_QUIC, QuicConnectionId.MALFORMED);
      }
    }
  }

  private static long locate(String hex) {
    ByteBuf packet = hex(hex);
    try {
      return QuicConnectionId.locate(packet, 8);
    } finally {
      packet.release();
    }
  }

  private static ByteBuf hex(String hex) {
    return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
  }

  private static String idHex(ByteBuf packet, long located) {
    assertThat(located).isNotNegative();
    return ByteBufUtil.hexDump(
        packet, QuicConnectionId.offset(located), QuicConnectionId.length(located));
  }
}
