package dev.elbow.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 frames to HTTP/1.1 bytes toward a member, and the member's bytes back to frames. */
class Http1MemberCodecTest {

  private final List<Throwable> failures = new ArrayList<>();
  private final Http1MemberCodec codec = new Http1MemberCodec();
  // What the codec said when the response's last frame went by: the moment a member connection
  // goes back to its pool.
  private Boolean reusableAtEnd;
  private final EmbeddedChannel member =
      new EmbeddedChannel(
          codec,
          new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              if ((msg instanceof Http2HeadersFrame h && h.isEndStream())
                  || (msg instanceof Http2DataFrame d && d.isEndStream())) {
                reusableAtEnd = codec.reusable();
              }
              ctx.fireChannelRead(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
              failures.add(cause);
            }
          });

  @AfterEach
  void close() {
    member.finishAndReleaseAll();
  }

  private static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers()
        .method(method)
        .path(path)
        .scheme("https")
        .authority("shop.example.com");
  }

  private String written() {
    StringBuilder out = new StringBuilder();
    ByteBuf buf;
    while ((buf = member.readOutbound()) != null) {
      out.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return out.toString();
  }

  private void answer(String bytes) {
    member.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
  }

  private List<Object> frames() {
    List<Object> out = new ArrayList<>();
    Object frame;
    while ((frame = member.readInbound()) != null) {
      out.add(frame);
    }
    return out;
  }

  private static String text(Object frame) {
    Http2DataFrame data = (Http2DataFrame) frame;
    String text = data.content().toString(StandardCharsets.ISO_8859_1);
    data.release();
    return text;
  }

  @Test
  void aRequestHeadIsWrittenFromTheHeaderListWithHostAndOneCookieLine() {
    Http2Headers headers =
        request("GET", "/cart?id=1")
            .add("cookie", "a=1")
            .add("accept", "*/*")
            .add("cookie", "b=2")
            .add("x-forwarded-for", "192.0.2.7");
    member.writeOutbound(new DefaultHttp2HeadersFrame(headers, true));

    assertThat(written())
        .isEqualTo(
            "GET /cart?id=1 HTTP/1.1\r\n"
                + "host: shop.example.com\r\n"
                + "accept: */*\r\n"
                + "x-forwarded-for: 192.0.2.7\r\n"
                + "cookie: a=1; b=2\r\n"
                + "\r\n");
  }

  @Test
  void aBodyWithoutLengthIsChunkedAndItsTrailersEndIt() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("POST", "/upload"), false));
    member.writeOutbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("hello", UTF8), false));
    member.writeOutbound(
        new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("checksum", "abc"), true));

    assertThat(written())
        .isEqualTo(
            "POST /upload HTTP/1.1\r\n"
                + "host: shop.example.com\r\n"
                + "transfer-encoding: chunked\r\n"
                + "\r\n"
                + "5\r\nhello\r\n"
                + "0\r\nchecksum: abc\r\n\r\n");
  }

  @Test
  void aBodyOfStatedLengthGoesAsItIs() {
    member.writeOutbound(
        new DefaultHttp2HeadersFrame(request("PUT", "/a").add("content-length", "5"), false));
    member.writeOutbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("hello", UTF8), true));

    assertThat(written())
        .isEqualTo("PUT /a HTTP/1.1\r\nhost: shop.example.com\r\ncontent-length: 5\r\n\r\nhello");
  }

  @Test
  void aChunkedResponseBecomesHeadersDataAndTrailersWithoutHopByHopFields() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    written();
    answer(
        "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive, X-Private\r\n"
            + "X-Private: secret\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n"
            + "Content-Length: 100\r\n"
            + "X-Custom: Kept\r\n\r\n"
            + "3\r\nabc\r\n4;ext=1\r\ndefg\r\n");
    List<Object> first = frames();
    answer("0\r\nGrpc-Status: 0\r\nContent-Length: 7\r\nBad Name: x\r\n\r\n");
    List<Object> rest = frames();

    Http2HeadersFrame interim = (Http2HeadersFrame) first.remove(0);
    assertThat(interim.headers().status().toString()).as("passed on before").isEqualTo("100");
    assertThat(interim.isEndStream()).isFalse();
    Http2Headers head = ((Http2HeadersFrame) first.get(0)).headers();
    assertThat(head.status().toString()).isEqualTo("200");
    assertThat(head.get("content-type").toString()).isEqualTo("text/plain");
    assertThat(head.get("x-custom").toString()).isEqualTo("Kept");
    assertThat(head.contains("connection")).isFalse();
    assertThat(head.contains("keep-alive")).isFalse();
    assertThat(head.contains("transfer-encoding")).isFalse();
    assertThat(head.contains("content-length")).as("said nothing true beside chunked").isFalse();
    assertThat(head.contains("x-private")).as("named by Connection").isFalse();
    assertThat(((Http2HeadersFrame) first.get(0)).isEndStream()).isFalse();
    assertThat(text(first.get(1)) + text(first.get(2))).isEqualTo("abcdefg");
    Http2HeadersFrame trailers = (Http2HeadersFrame) rest.get(rest.size() - 1);
    assertThat(trailers.isEndStream()).isTrue();
    assertThat(trailers.headers().get("grpc-status").toString()).isEqualTo("0");
    assertThat(trailers.headers().names()).as("framing and malformed fields dropped").hasSize(1);
    rest.subList(0, rest.size() - 1).forEach(Http1MemberCodecTest::text);
    assertThat(reusableAtEnd).isTrue();
    assertThat(failures).isEmpty();
  }

  @Test
  void aTrailerSectionWithNothingToPassEndsTheBodyWithItsData() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    written();
    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nHost: a\r\n\r\n");
    List<Object> frames = frames();

    assertThat(frames).hasSize(2);
    assertThat(((Http2DataFrame) frames.get(1)).isEndStream()).isTrue();
    assertThat(text(frames.get(1))).isEqualTo("ok");
  }

  @Test
  void aResponseOfStatedLengthEndsWithItsLastByte() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    written();
    answer("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc");
    List<Object> first = frames();
    assertThat(codec.reusable()).as("mid-body").isFalse();
    answer("def");
    List<Object> rest = frames();

    assertThat(((Http2HeadersFrame) first.get(0)).headers().get("content-length").toString())
        .isEqualTo("6");
    assertThat(((Http2DataFrame) first.get(1)).isEndStream()).isFalse();
    assertThat(text(first.get(1))).isEqualTo("abc");
    assertThat(((Http2DataFrame) rest.get(0)).isEndStream()).isTrue();
    assertThat(text(rest.get(0))).isEqualTo("def");
    assertThat(reusableAtEnd).isTrue();
  }

  @Test
  void aHeadRequestsAnswerHasNoBodyWhateverItsLengthSays() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("HEAD", "/"), true));
    written();
    answer("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    List<Object> frames = frames();

    assertThat(frames).hasSize(1);
    assertThat(((Http2HeadersFrame) frames.get(0)).isEndStream()).isTrue();
    assertThat(reusableAtEnd).isTrue();
  }

  @Test
  void aBodyUntilCloseEndsAtTheCloseAndTheConnectionIsNotReused() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    written();
    answer("HTTP/1.0 200 OK\r\n\r\nall of it");
    List<Object> frames = frames();
    assertThat(text(frames.get(1))).isEqualTo("all of it");
    member.close();
    List<Object> last = frames();

    assertThat(((Http2DataFrame) last.get(0)).isEndStream()).isTrue();
    text(last.get(0));
    assertThat(reusableAtEnd).isFalse();
  }

  @Test
  void bytesPastTheResponseMakeTheConnectionUnfitForReuse() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    written();
    answer("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
    frames();

    assertThat(reusableAtEnd).isFalse();
  }

  @Test
  void malformedAnswersAndUnaskedUpgradesFailTheExchange() {
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    answer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    member.writeOutbound(new DefaultHttp2HeadersFrame(request("GET", "/"), true));
    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    answer("HTTP/1.1 200 OK\r\n\r\n"); // no request outstanding
    written();

    assertThat(failures)
        .extracting(Throwable::getMessage)
        .containsExactly(
            "sent a malformed response",
            "switched protocols unasked",
            "sent a malformed chunked body",
            "sent bytes while no request was outstanding");
    assertThat(frames()).hasSize(1); // the chunked answer's head, before its body broke
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
