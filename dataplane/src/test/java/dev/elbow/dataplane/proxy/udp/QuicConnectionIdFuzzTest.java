package dev.elbow.dataplane.proxy.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FuzzTally;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes the QUIC header reading of QUIC_CID routing with random and QUIC-shaped datagrams: it
 * never throws, and every connection ID it locates lies inside the datagram, within version 1's 20
 * bytes where the version is 1 or 2, and of the configured length in a short header.
 */
@Tag("reliability")
class QuicConnectionIdFuzzTest {

  private static final int VERSION_2 = 0x6b3343cf;
  private static final FuzzTally TALLY = new FuzzTally();

  @Property(tries = 5000)
  void anyDatagram(
      @ForAll("datagrams") byte[] bytes,
      @ForAll @IntRange(max = 21) int shortLength,
      @ForAll @IntRange(max = 7) int offset) {
    TALLY.check(() -> checkOne(bytes, shortLength, offset));
  }

  private static void checkOne(byte[] bytes, int shortLength, int offset) {
    ByteBuf datagram = Unpooled.buffer(offset + bytes.length);
    datagram.writerIndex(offset).readerIndex(offset);
    datagram.writeBytes(bytes);
    int configured = shortLength == 21 ? Integer.MAX_VALUE : shortLength; // 21: not known
    long located = QuicConnectionId.locate(datagram, configured);
    if (located >= 0) {
      TALLY.accept();
      int at = QuicConnectionId.offset(located);
      int length = QuicConnectionId.length(located);
      assertThat(at).isGreaterThan(offset);
      assertThat(at + length).isLessThanOrEqualTo(datagram.writerIndex());
      boolean longHeader = (bytes[0] & 0x80) != 0;
      if (!longHeader) {
        assertThat(length).isEqualTo(configured);
      } else if (datagram.getInt(offset + 1) == 1 || datagram.getInt(offset + 1) == VERSION_2) {
        assertThat(length).isLessThanOrEqualTo(QuicConnectionId.MAX_V1_LENGTH);
      } else {
        assertThat(length).isLessThanOrEqualTo(255);
      }
      QuicConnectionId.hash(datagram, located);
    } else {
      assertThat(located).isIn(QuicConnectionId.NOT_QUIC, QuicConnectionId.MALFORMED);
    }
    long source = QuicConnectionId.locateSource(datagram);
    if (source >= 0) {
      assertThat(QuicConnectionId.length(source)).isLessThanOrEqualTo(20);
      assertThat(QuicConnectionId.offset(source) + QuicConnectionId.length(source))
          .isLessThanOrEqualTo(datagram.writerIndex());
    } else {
      assertThat(source).isEqualTo(QuicConnectionId.NOT_QUIC);
    }
    assertThat(datagram.readerIndex()).isEqualTo(offset);
    assertThat(datagram.release()).isTrue();
  }

  /** Random bytes, and long and short headers with any version, ID lengths and cut anywhere. */
  @Provide
  Arbitrary<byte[]> datagrams() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(1500);
    Arbitrary<byte[]> shaped =
        Combinators.combine(
                Arbitraries.of(0xc0, 0xc3, 0x40, 0x41, 0x80, 0x00),
                Arbitraries.of(1, VERSION_2, 0, 0x1a2a3a4a),
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(1, 80))
            .as(
                (first, version, destination, sourceLength, size) -> {
                  byte[] d = new byte[size];
                  d[0] = (byte) (int) first;
                  for (int i = 0; i < 4 && i + 1 < size; i++) {
                    d[i + 1] = (byte) (version >>> (24 - 8 * i));
                  }
                  if (size > 5) {
                    d[5] = (byte) (int) destination;
                  }
                  int at = 6 + destination;
                  if (at < size) {
                    d[at] = (byte) (int) sourceLength;
                  }
                  return d;
                });
    return Arbitraries.oneOf(random, shaped).filter(d -> d.length > 0);
  }

  @AfterContainer
  static void record() {
    TALLY.record(
        "fuzz: QUIC header parser",
        t -> t.inputs() + " inputs (" + t.accepted() + " with a connection ID located)",
        "random datagrams, long and short headers of any version, ID length and size",
        "no exception; every connection ID found lies within the datagram and its version's bounds");
  }
}
