package dev.elbow.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FuzzTally;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes {@link Http1HeadParser} with random bytes and with mutated requests: it never throws, only
 * answers with a head's end or one of its codes; it never moves the buffer's indices or touches its
 * reference count; a head it accepts ends exactly where it says; and it never accepts a request
 * with both Content-Length and Transfer-Encoding.
 */
@Tag("reliability")
class Http1HeadParserFuzzTest {

  private static final Set<Integer> CODES =
      Set.of(
          Http1HeadParser.NEED_MORE,
          Http1HeadParser.MALFORMED,
          Http1HeadParser.TOO_LARGE,
          Http1HeadParser.BAD_VERSION,
          Http1HeadParser.TOO_MANY_HEADERS,
          Http1HeadParser.BAD_FRAMING,
          Http1HeadParser.UNSUPPORTED_CODING,
          Http1HeadParser.URI_TOO_LONG,
          Http1HeadParser.NOT_HTTP);

  private static final List<String> LINES =
      List.of(
          "Host: x",
          "Host: y",
          "Content-Length: 5",
          "Content-Length: 6",
          "content-length: 5",
          "Content-Length: -1",
          "Transfer-Encoding: chunked",
          "transfer-encoding: gzip, chunked",
          "Transfer-Encoding:",
          "Connection: close, Content-Length, X-A",
          "Keep-Alive: timeout=5",
          "X-A: b",
          " folded",
          "\tTransfer-Encoding: chunked",
          "X-B: a\rb",
          "TE: trailers",
          "Upgrade: h2c");

  private static final FuzzTally TALLY = new FuzzTally();

  @Property(tries = 3000)
  void randomBytes(@ForAll @Size(max = 20_000) byte[] bytes, @ForAll boolean request) {
    check(bytes, request);
  }

  @Property(tries = 4000)
  void mutatedRequests(@ForAll("requests") byte[] bytes, @ForAll boolean request) {
    check(bytes, request);
  }

  @Provide
  Arbitrary<byte[]> requests() {
    Arbitrary<String> head =
        Combinators.combine(
                Arbitraries.of("GET", "POST", "HEAD", "PUT", "G T"),
                Arbitraries.of("/", "/a?b=c", "*", "/" + "a".repeat(9000)),
                Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 "),
                Arbitraries.of(LINES).list().ofMaxSize(12),
                Arbitraries.of("\r\n", "\n"))
            .as(
                (method, target, version, lines, eol) ->
                    method
                        + " "
                        + target
                        + " "
                        + version
                        + eol
                        + String.join(eol, lines)
                        + (lines.isEmpty() ? "" : eol)
                        + eol
                        + "5\r\nhello\r\n0\r\n\r\n");
    Arbitrary<int[]> mutation =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.of(
                    0,
                    (int) '\r',
                    (int) '\n',
                    (int) ' ',
                    (int) '\t',
                    (int) ':',
                    (int) ',',
                    0x7f,
                    0xff,
                    (int) 'a'))
            .as((kind, at, value) -> new int[] {kind, at, value});
    return Combinators.combine(head, mutation.list().ofMaxSize(3))
        .as(
            (text, mutations) -> {
              StringBuilder out = new StringBuilder(text);
              for (int[] m : mutations) {
                int at = m[1] % (out.length() + 1);
                switch (m[0]) {
                  case 0 -> out.insert(at, (char) m[2]);
                  case 1 -> out.deleteCharAt(Math.min(at, out.length() - 1));
                  default -> out.setCharAt(Math.min(at, out.length() - 1), (char) m[2]);
                }
              }
              return out.toString().getBytes(StandardCharsets.ISO_8859_1);
            });
  }

  private static void check(byte[] bytes, boolean request) {
    TALLY.check(() -> checkOne(bytes, request));
  }

  private static void checkOne(byte[] bytes, boolean request) {
    // Pooled and not at index 0, as the proxy's buffers are.
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 3);
    buf.writeBytes(new byte[] {'x', 'y', 'z'}).skipBytes(3).writeBytes(bytes);
    try {
      Http1Head head = new Http1Head();
      int result = Http1HeadParser.parse(buf, request, head);
      assertThat(buf.readerIndex()).isEqualTo(3);
      assertThat(buf.writerIndex()).isEqualTo(3 + bytes.length);
      assertThat(buf.refCnt()).isEqualTo(1);
      if (result <= 0) {
        assertThat(CODES).contains(result);
        return;
      }
      assertThat(result).isBetween(4, buf.writerIndex());
      TALLY.accept();
      if (request) {
        boolean length = false;
        boolean coding = false;
        for (int i = 0; i < head.headerCount; i++) {
          length |= head.kind[i] == KnownHeaders.CONTENT_LENGTH;
          coding |= head.kind[i] == KnownHeaders.TRANSFER_ENCODING;
        }
        assertThat(length && coding)
            .as("accepted both Content-Length and Transfer-Encoding")
            .isFalse();
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
        HeadWriter.request(
            out,
            buf,
            head,
            new byte[] {'1'},
            new byte[] {'2'},
            new byte[] {'3'},
            false,
            false,
            null);
        assertThat(out.release()).isTrue();
      }
      // One byte less is not a whole head: the head ends exactly where the parser said.
      ByteBuf shorter = buf.slice(3, result - 4);
      assertThat(Http1HeadParser.parse(shorter, request, new Http1Head())).isLessThanOrEqualTo(0);
    } finally {
      assertThat(buf.release()).as("released by its owner alone").isTrue();
    }
  }

  @AfterContainer
  static void record() {
    TALLY.record(
        "fuzz: HTTP/1 head parser",
        t -> t.inputs() + " inputs (" + t.accepted() + " whole heads accepted)",
        "random bytes, mutated requests (framing headers, folds, bare CR/LF, long targets)",
        "no exception, no index or reference count touched, no head with both CL and TE accepted");
  }
}
