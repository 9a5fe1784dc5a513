package dev.elbow.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeadWriterTest {

  private static final byte[] CLIENT = KnownHeaders.ascii("192.0.2.7");
  private static final byte[] PORT = KnownHeaders.ascii("8080");
  private static final byte[] HOST = KnownHeaders.ascii("10.0.0.1:8080");

  private static String request(String head) {
    ByteBuf in = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
    ByteBuf out = Unpooled.buffer();
    try {
      Http1Head parsed = new Http1Head();
      assertThat(Http1HeadParser.parse(in, true, parsed)).isPositive();
      HeadWriter.request(out, in, parsed, CLIENT, PORT, HOST, false, false, null);
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      in.release();
      out.release();
    }
  }

  private static String response(String head, boolean keepAlive, boolean http10, boolean rechunk) {
    ByteBuf in = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
    ByteBuf out = Unpooled.buffer();
    try {
      Http1Head parsed = new Http1Head();
      assertThat(Http1HeadParser.parse(in, false, parsed)).isPositive();
      HeadWriter.response(out, in, parsed, keepAlive, http10, rechunk, null, null);
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      in.release();
      out.release();
    }
  }

  @Test
  void forwardsARequestWithoutHopByHopHeadersAndSaysWhoTheClientIs() {
    String out =
        request(
            "POST /x HTTP/1.1\r\nHost: shop\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
                + "Keep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: websocket\r\nX-Forwarded-For: 203.0.113.1\r\n"
                + "x-forwarded-for: 203.0.113.2\r\nX-Forwarded-Proto: https\r\nContent-Length: 3\r\nAccept: */*\r\n\r\n");
    assertThat(out)
        .isEqualTo(
            "POST /x HTTP/1.1\r\nHost: shop\r\nContent-Length: 3\r\nAccept: */*\r\n"
                + "x-forwarded-for: 203.0.113.1, 203.0.113.2, 192.0.2.7\r\nx-forwarded-proto: http\r\n"
                + "x-forwarded-port: 8080\r\n\r\n");
  }

  @Test
  void aConnectionHeaderCannotRemoveFramingOrHost() {
    String out =
        request(
            "POST / HTTP/1.1\r\nHost: h\r\nConnection: content-length, host, transfer-encoding\r\nContent-Length: 2\r\n\r\n");
    assertThat(out).contains("Host: h\r\n").contains("Content-Length: 2\r\n");
  }

  @Test
  void http10RequestsGoAsHttp10WithAHostAndClose() {
    String out = request("GET / HTTP/1.0\r\n\r\n");
    assertThat(out)
        .startsWith("GET / HTTP/1.0\r\n")
        .contains("host: 10.0.0.1:8080\r\n")
        .contains("connection: close\r\n");
  }

  @Test
  void writesResponsesForTheClientsConnection() {
    String head =
        "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n";
    assertThat(response(head, true, false, false))
        .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
    assertThat(response(head, false, false, false)).endsWith("connection: close\r\n\r\n");
    assertThat(response(head, true, true, false)).endsWith("connection: keep-alive\r\n\r\n");
    assertThat(response("HTTP/1.1 200 OK\r\n\r\n", true, false, true))
        .isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
  }
}
