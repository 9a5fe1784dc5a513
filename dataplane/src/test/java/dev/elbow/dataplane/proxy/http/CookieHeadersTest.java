package dev.elbow.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.routing.StickyCookies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CookieHeadersTest {

  private static final byte[] LB = KnownHeaders.ascii("ELBOW_LB");
  private static final byte[] APP = KnownHeaders.ascii("JSESSIONID");

  private static Http1Head parse(ByteBuf in, boolean request) {
    Http1Head head = new Http1Head();
    assertThat(Http1HeadParser.parse(in, request, head)).isPositive();
    return head;
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void findsTheTokenAmongOtherCookiesAndHeaderLines() {
    ByteBuf in =
        bytes(
            "GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; XELBOW_LB=ffffffffffffffff\r\n"
                + "Cookie: b=2;  ELBOW_LB=00000000000000ab ; c=3\r\n\r\n");
    try {
      Http1Head head = parse(in, true);
      assertThat(CookieHeaders.token(in, head, LB)).isEqualTo(0xabL);
      assertThat(CookieHeaders.has(in, head, APP)).isFalse();
    } finally {
      in.release();
    }
  }

  @Test
  void aMalformedOrMissingTokenIsNoToken() {
    for (String cookie : new String[] {"ELBOW_LB=12", "ELBOW_LB=zzzzzzzzzzzzzzzz", "other=1"}) {
      ByteBuf in = bytes("GET / HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n");
      try {
        assertThat(CookieHeaders.token(in, parse(in, true), LB))
            .as(cookie)
            .isEqualTo(StickyCookies.NO_TOKEN);
      } finally {
        in.release();
      }
    }
  }

  @Test
  void seesTheApplicationCookieInRequestsAndResponses() {
    ByteBuf request = bytes("GET / HTTP/1.1\r\nHost: x\r\nCookie: JSESSIONID=s1\r\n\r\n");
    ByteBuf response =
        bytes(
            "HTTP/1.1 200 OK\r\nSet-Cookie: theme=dark\r\nset-cookie: JSESSIONID=s2; Path=/\r\n"
                + "Content-Length: 0\r\n\r\n");
    ByteBuf other = bytes("HTTP/1.1 200 OK\r\nSet-Cookie: x=JSESSIONID=1\r\n\r\n");
    try {
      assertThat(CookieHeaders.has(request, parse(request, true), APP)).isTrue();
      assertThat(CookieHeaders.sets(response, parse(response, false), APP)).isTrue();
      assertThat(CookieHeaders.sets(other, parse(other, false), APP)).isFalse();
    } finally {
      request.release();
      response.release();
      other.release();
    }
  }
}
