package dev.elbow.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Http1HeadParserTest {

  private final Http1Head head = new Http1Head();

  private int parse(String text, boolean request) {
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    try {
      return Http1HeadParser.parse(buf, request, head);
    } finally {
      buf.release();
    }
  }

  private static String text(String head, int start, int end) {
    return head.substring(start, end);
  }

  @Test
  void parsesARequestInPlace() {
    String request =
        "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nX-Custom:  v  \r\n\r\nhello";
    int end = parse(request, true);
    assertThat(end).isEqualTo(request.indexOf("hello"));
    assertThat(text(request, head.methodStart, head.methodEnd)).isEqualTo("GET");
    assertThat(text(request, head.targetStart, head.targetEnd)).isEqualTo("/a?b=c");
    assertThat(head.http10).isFalse();
    assertThat(head.headerCount).isEqualTo(3);
    assertThat(text(request, head.valueStart[2], head.valueEnd[2])).isEqualTo("v");
    assertThat(head.kind[0]).isEqualTo(KnownHeaders.HOST);
    assertThat(head.contentLength).isEqualTo(5);
    assertThat(head.keepAlive()).isTrue();
    assertThat(head.hasBody()).isTrue();
  }

  @Test
  void parsesAResponseAndItsFraming() {
    String response =
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    assertThat(parse(response, false)).isEqualTo(response.length());
    assertThat(head.status).isEqualTo(404);
    assertThat(text(response, head.reasonStart, head.reasonEnd)).isEqualTo("Not Found");
    assertThat(head.chunked).isTrue();
    assertThat(head.keepAlive()).isFalse();
  }

  @Test
  void acceptsLeadingEmptyLinesAndBareLineFeedsInResponsesOnly() {
    assertThat(parse("\r\nGET / HTTP/1.0\r\nHost: x\r\n\r\n", true)).isPositive();
    assertThat(head.http10).isTrue();
    assertThat(head.keepAlive()).isFalse();
    assertThat(parse("HTTP/1.1 200 OK\nContent-Length: 0\n\n", false)).isPositive();
    assertThat(parse("GET / HTTP/1.0\nHost: x\r\n\r\n", true)).isEqualTo(Http1HeadParser.MALFORMED);
    assertThat(parse("GET / HTTP/1.1\r\nHost: x\n\r\n", true)).isEqualTo(Http1HeadParser.MALFORMED);
    assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\n\n", true)).isEqualTo(Http1HeadParser.MALFORMED);
  }

  @Test
  void refusesRequestLinesOver8KiBAsTooLong() {
    String target = "/" + "a".repeat(Http1HeadParser.MAX_REQUEST_LINE_BYTES);
    assertThat(parse("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", true))
        .isEqualTo(Http1HeadParser.URI_TOO_LONG);
    assertThat(parse("GET " + target, true)).isEqualTo(Http1HeadParser.URI_TOO_LONG);
    assertThat(parse("GET " + target.substring(20) + " HTTP/1.1\r\nHost: x\r\n\r\n", true))
        .isPositive();
  }

  @Test
  void waitsForTheRestOfAHead() {
    assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\n", true)).isEqualTo(Http1HeadParser.NEED_MORE);
    assertThat(parse("GET / HT", true)).isEqualTo(Http1HeadParser.NEED_MORE);
  }

  @Test
  void refusesHeadsThatAreTooLarge() {
    assertThat(parse("GET / HTTP/1.1\r\nX: " + "a".repeat(20_000), true))
        .isEqualTo(Http1HeadParser.TOO_LARGE);
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 120; i++) {
      many.append("X-").append(i).append(": v\r\n");
    }
    assertThat(parse(many + "\r\n", true)).isEqualTo(Http1HeadParser.TOO_MANY_HEADERS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", // two spaces
        "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", // trailing space
        "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", // not a token
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n", // space before the colon
        "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", // obsolete line folding
        "GET / HTTP/1.1\r\nHost: x\rinjected\r\n\r\n", // a bare CR inside a value
        "GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n", // NUL in a value
        "GET / HTTP/1.1\r\n: x\r\n\r\n", // no name
        "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", // two Hosts
        "GET / HTTP/1.1\r\n\r\n", // HTTP/1.1 without Host
        "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n" // a space in the target
      })
  void refusesMalformedRequests(String request) {
    assertThat(parse(request, true)).isEqualTo(Http1HeadParser.MALFORMED);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\n|-5",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|-5",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: -1\\r\\n\\r\\n|-5",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0x10\\r\\n\\r\\n|-5",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n|-6",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|-6",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: identity\\r\\n\\r\\n|-6",
        "POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|-5",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: \\r\\n\\r\\n|-5",
        "GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n|-3",
        "GET / HTTP/1.2\\r\\nHost: x\\r\\n\\r\\n|-3",
        "INVALID CONNECTION PREFACE\\r\\n\\r\\n|-8",
        "GET / FTP/1.1\\r\\nHost: x\\r\\n\\r\\n|-8",
        "PROXY TCP4 203.0.113.7 198.51.100.1 40000 80\\r\\n\\r\\n|-1"
      })
  void refusesAmbiguousFramingAndOtherVersions(String request, int expected) {
    assertThat(parse(request.replace("\\r\\n", "\r\n"), true)).isEqualTo(expected);
  }

  @Test
  void repeatedEqualContentLengthsAreOne() {
    assertThat(
            parse(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n",
                true))
        .isPositive();
    assertThat(head.contentLength).isEqualTo(7);
  }

  @Test
  void responsesMayCarryCodingsThatEndInChunkedOrRunUntilClose() {
    assertThat(
            parse(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 9\r\n\r\n",
                false))
        .isPositive();
    assertThat(head.chunked).isTrue();
    assertThat(head.contentLength).isEqualTo(-1);
    assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false)).isPositive();
    assertThat(head.chunked).isFalse();
    assertThat(head.otherCoding).isTrue();
  }

  @Test
  void recordsTheHeadersConnectionNames() {
    String request =
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Secret ,Upgrade\r\n\r\n";
    assertThat(parse(request, true)).isPositive();
    assertThat(head.connectionKeepAlive).isTrue();
    assertThat(head.dropCount).isEqualTo(2);
    assertThat(text(request, head.dropStart[0], head.dropEnd[0])).isEqualTo("X-Secret");
    assertThat(text(request, head.dropStart[1], head.dropEnd[1])).isEqualTo("Upgrade");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.0 503 Service Unavailable"})
  void acceptsStatusLinesWithOrWithoutAReason(String line) {
    assertThat(parse(line + "\r\n\r\n", false)).isPositive();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/1.1 20",
        "HTTP/1.1 2000 OK",
        "HTTP/1.1 099 Low",
        "HELLO THERE",
        "HTTP/1.1200 OK"
      })
  void refusesBrokenStatusLines(String line) {
    assertThat(parse(line + "\r\n\r\n", false)).isNegative();
  }
}
