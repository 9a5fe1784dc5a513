package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.Scrape;
import dev.elbow.snapshot.ListenerTimeouts;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Request smuggling attempts through an HTTP listener: each is refused (400, or 501 for a transfer
 * coding other than chunked, as RFC 9112 6.1 says a server SHOULD) and not one byte of it reaches
 * the member, while well-formed requests around them are served.
 */
@Tag("reliability")
class RequestSmugglingTest {

  private static final String POST = "POST /upload HTTP/1.1\r\nHost: x\r\n";
  private static final String CHUNKED = POST + "Transfer-Encoding: chunked\r\n\r\n";

  /** Each attempt, by name, with the status it must get. */
  private static final Map<String, String[]> ATTEMPTS = new LinkedHashMap<>();

  static {
    attempt(
        "Content-Length and Transfer-Encoding",
        "400",
        POST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    attempt(
        "Transfer-Encoding and Content-Length",
        "400",
        POST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n");
    attempt(
        "conflicting Content-Lengths",
        "400",
        POST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    attempt("a Content-Length list", "400", POST + "Content-Length: 5, 6\r\n\r\nhello!");
    attempt("a signed Content-Length", "400", POST + "Content-Length: +5\r\n\r\nhello");
    attempt("a hex Content-Length", "400", POST + "Content-Length: 0x5\r\n\r\nhello");
    attempt("obs-fold", "400", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n");
    attempt("obs-fold by tab", "400", "GET / HTTP/1.1\r\nHost: x\r\n\tX-A: b\r\n\r\n");
    attempt(
        "a folded Transfer-Encoding",
        "400",
        POST + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n");
    attempt("a bare CR in a value", "400", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n");
    attempt("a bare CR before CRLF", "400", "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n");
    attempt("bare LF line ends", "400", "GET / HTTP/1.1\nHost: x\n\n");
    attempt(
        "a bare LF hiding a header",
        "400",
        POST + "X-A: a\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    attempt(
        "a space before the colon", "400", POST + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n");
    attempt(
        "a vertical tab in Transfer-Encoding",
        "400",
        POST + "Transfer-Encoding: \u000bchunked\r\n\r\n0\r\n\r\n");
    attempt("NUL in a value", "400", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n");
    attempt("two Hosts", "400", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n");
    attempt("a chunk size that is not hex", "400", CHUNKED + "zz\r\nhello\r\n0\r\n\r\n");
    attempt("a chunk size that overflows", "400", CHUNKED + "ffffffffffffffff1\r\nx\r\n0\r\n\r\n");
    attempt("a negative chunk size", "400", CHUNKED + "-5\r\nhello\r\n0\r\n\r\n");
    attempt("chunk data without its CRLF", "400", CHUNKED + "5\r\nhello0\r\n\r\n");
    attempt("a chunk size ended by a bare LF", "400", CHUNKED + "5\nhello\r\n0\r\n\r\n");
    attempt("a last chunk ended by a bare LF", "400", CHUNKED + "0\r\n\n");
    attempt(
        "chunked in HTTP/1.0",
        "400",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + "0\r\n\r\n");
    attempt("an empty Transfer-Encoding", "400", POST + "Transfer-Encoding: \r\n\r\n");
    attempt("gzip, chunked", "501", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    attempt("identity", "501", POST + "Transfer-Encoding: identity\r\n\r\nhello");
    attempt(
        "chunked twice",
        "501",
        POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    attempt("xchunked", "501", POST + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n");
  }

  private static void attempt(String name, String status, String request) {
    ATTEMPTS.put(name, new String[] {status, request});
  }

  private final HostileHttp http = new HostileHttp(ListenerTimeouts.DEFAULTS);

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void everyAttemptIsRefusedAndNoneOfItReachesTheMember() throws Exception {
    List<String> wrong = new ArrayList<>();
    ATTEMPTS.forEach(
        (name, attempt) -> {
          String answer = RawHttp.exchange(http.port, attempt[1], 2_000);
          if (!answer.startsWith("HTTP/1.1 " + attempt[0])
              || !answer.contains("connection: close")) {
            wrong.add(name + ": " + answer);
          }
        });
    assertThat(wrong).as("attempts not refused as they should be").isEmpty();
    assertThat(http.backend.raw()).as("bytes that reached the member").isEmpty();
    assertThat(Scrape.value(http.metrics(), "elbow_errors_total", "kind", "bad_request"))
        .isEqualTo(ATTEMPTS.size());

    // Well-formed requests are served as before, a chunked body with them.
    String chunked = RawHttp.exchange(http.port, CHUNKED + "5\r\nhello\r\n0\r\n\r\n", 1_000);
    assertThat(chunked).startsWith("HTTP/1.1 200");
    assertThat(http.backend.raw()).endsWith("5\r\nhello\r\n0\r\n\r\n");

    // A pipelined attempt behind a good request: the good one is served, the other refused.
    String pipelined =
        RawHttp.exchange(
            http.port,
            "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + ATTEMPTS.get("Content-Length and Transfer-Encoding")[1],
            2_000);
    assertThat(pipelined).startsWith("HTTP/1.1 200").contains("HTTP/1.1 400");
    assertThat(http.backend.requests())
        .extracting(r -> r.uri())
        .containsExactly("/upload", "/first");
    ReliabilityRows.record(
        "HTTP request smuggling attempts",
        ATTEMPTS.size() + " attempts, one connection each, plus 2 good requests",
        "CL+TE, conflicting CL, obs-fold, bare CR/LF, invalid chunk sizes, other codings",
        ATTEMPTS.size() + 2,
        ATTEMPTS.size(),
        "all "
            + ATTEMPTS.size()
            + " refused as intended (400; 501 for codings other than chunked); the member got"
            + " none of their bytes; both good requests 200");
  }

  @Test
  void aChunkedBodyThatArrivesAfterItsHeadIsStillForwarded() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", http.port)) {
      OutputStream out = socket.getOutputStream();
      out.write(CHUNKED.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The head goes to the member on its own; the chunks follow when they come.
      org.awaitility.Awaitility.await().until(() -> http.backend.raw().contains("chunked"));
      out.write("3\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(RawHttp.readAll(socket, 1_000)).startsWith("HTTP/1.1 200");
    }
    assertThat(http.backend.requests()).hasSize(1);
  }
}
