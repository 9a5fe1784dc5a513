package dev.elbow.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyFramerTest {

  private final BodyFramer framer = new BodyFramer();

  /** Feeds the text in pieces of {@code step} bytes, as reads would; returns the bytes counted. */
  private int feed(String text, int step) {
    ByteBuf all = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    int counted = 0;
    try {
      while (all.isReadable() && !framer.done()) {
        ByteBuf piece = all.readSlice(Math.min(step, all.readableBytes()));
        int n = framer.scan(piece);
        if (n < 0) {
          return -1;
        }
        counted += n;
        if (n < piece.capacity() && !framer.done()) {
          throw new AssertionError("stopped early without being done");
        }
        if (framer.done()) {
          break;
        }
      }
      return counted;
    } finally {
      all.release();
    }
  }

  @Test
  void countsAFixedLengthAndStops() {
    framer.length(5);
    assertThat(feed("helloGET /next", 3)).isEqualTo(5);
    assertThat(framer.done()).isTrue();
  }

  @Test
  void findsTheEndOfAChunkedBodyReadInAnyPieces() {
    String body = "5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: t\r\n\r\n";
    for (int step = 1; step <= body.length(); step++) {
      framer.chunked();
      assertThat(feed(body + "GET /next HTTP/1.1", step))
          .as("pieces of %d bytes", step)
          .isEqualTo(body.length());
      assertThat(framer.done()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x\r\n", // not hex
        "\r\n", // no size
        "5\r\nhelloXX", // no CRLF after the data
        "5\nhello\r\n", // bare LF after the size
        "10000000000000000\r\n", // a size that cannot be real
        "0\r\n bad trailer\r\n\r\n", // trailer folding
        "0\r\nTrailer: a\u0001b\r\n\r\n" // control character in a trailer
      })
  void refusesBrokenChunkedFraming(String body) {
    framer.chunked();
    assertThat(feed(body, 4)).isEqualTo(-1);
    assertThat(framer.malformed()).isTrue();
  }

  @Test
  void aBodyUntilCloseTakesEverything() {
    framer.untilClose();
    assertThat(feed("everything that comes", 5)).isEqualTo(21);
    assertThat(framer.done()).isFalse();
  }

  @Test
  void noBodyIsDoneAtOnce() {
    framer.none();
    assertThat(framer.done()).isTrue();
    framer.length(0);
    assertThat(framer.done()).isTrue();
  }
}
