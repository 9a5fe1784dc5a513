package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 on the wire to a member, HTTP/2 frames in the pipeline: the exchange of an HTTP/2 stream
 * is written and read in one shape whatever its member speaks (HAProxy's HTX, Envoy's codec
 * independent filter chain). A request's HEADERS become the request head, written straight from the
 * header list (no HTTP/1 header map between), its DATA the body (chunked when it has no length) and
 * its trailers the chunked trailer section. The response is parsed in place by the HTTP/1 path's
 * own {@link Http1HeadParser} and {@link BodyFramer} and handed on as HEADERS, DATA (slices of the
 * bytes read) and trailers; interim (1xx) answers are HEADERS of their own, hop-by-hop headers
 * dropped.
 *
 * <p>A response that breaks HTTP/1.1 fires {@link MalformedResponse}. {@link #reusable()} says
 * whether the connection may carry another exchange once a response ended.
 */
public final class Http1MemberCodec extends ChannelDuplexHandler {

  /** A member's answer that is not HTTP/1.1 as it should be; the message says how. */
  public static final class MalformedResponse extends Exception {
    MalformedResponse(String message) {
      super(message, null, false, false);
    }
  }

  private static final int IDLE = 0;
  private static final int HEAD = 1;
  private static final int BODY = 2;

  private static final byte[] HTTP11_CRLF = KnownHeaders.ascii(" HTTP/1.1\r\n");
  private static final byte[] HOST = KnownHeaders.ascii("host: ");
  private static final byte[] COLON = KnownHeaders.ascii(": ");
  private static final byte[] COOKIE_SEPARATOR = KnownHeaders.ascii("; ");
  private static final byte[] CHUNKED = KnownHeaders.ascii("transfer-encoding: chunked\r\n");
  private static final ByteBuf CRLF = constant("\r\n");
  private static final ByteBuf LAST_CHUNK = constant("0\r\n\r\n");
  private static final AsciiString HEAD_METHOD = AsciiString.cached("HEAD");
  private static final AsciiString HOST_NAME = AsciiString.cached("host");
  private static final AsciiString COOKIE = AsciiString.cached("cookie");
  private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");

  private static final AsciiString[] COMMON_NAMES = {
    HttpHeaderNames.DATE,
    HttpHeaderNames.SERVER,
    HttpHeaderNames.CONTENT_TYPE,
    HttpHeaderNames.CONTENT_LENGTH,
    HttpHeaderNames.LAST_MODIFIED,
    HttpHeaderNames.ETAG,
    HttpHeaderNames.ACCEPT_RANGES,
    HttpHeaderNames.CACHE_CONTROL,
    HttpHeaderNames.EXPIRES,
    HttpHeaderNames.VARY,
    HttpHeaderNames.SET_COOKIE,
    HttpHeaderNames.LOCATION,
    HttpHeaderNames.CONTENT_ENCODING,
  };

  private final Http1Head response = new Http1Head();
  private final BodyFramer body = new BodyFramer();
  private final ChunkReader chunks = new ChunkReader();
  private ByteBuf in;
  private int state = IDLE;
  private boolean headRequest;
  private boolean requestOpen;
  private boolean chunkedRequest;
  private boolean reusable;

  /** Whether the connection may carry another exchange: the last response ended cleanly. */
  public boolean reusable() {
    return reusable && state == IDLE && !requestOpen && (in == null || !in.isReadable());
  }

  // ---- the request, from frames to bytes

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof Http2HeadersFrame frame) {
      if (requestOpen) {
        requestTrailers(ctx, frame.headers(), promise);
      } else {
        requestHead(ctx, frame.headers(), frame.isEndStream(), promise);
      }
    } else if (msg instanceof Http2DataFrame frame) {
      requestData(ctx, frame, promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  private void requestHead(
      ChannelHandlerContext ctx, Http2Headers headers, boolean endStream, ChannelPromise promise) {
    CharSequence method = headers.method();
    CharSequence authority = headers.authority();
    CharSequence path = headers.path();
    headRequest = HEAD_METHOD.contentEquals(method);
    state = HEAD;
    reusable = false;
    ByteBuf out = ctx.alloc().buffer(256 + 64 * headers.size());
    ascii(out, method);
    out.writeByte(' ');
    ascii(out, path != null ? path : authority); // CONNECT names its authority, not a path
    out.writeBytes(HTTP11_CRLF);
    if (authority != null) {
      out.writeBytes(HOST);
      ascii(out, authority);
      crlf(out);
    }
    boolean length = false;
    boolean cookies = false;
    for (Map.Entry<CharSequence, CharSequence> header : headers) {
      CharSequence name = header.getKey();
      if (name.length() > 0 && name.charAt(0) == ':') {
        continue;
      }
      if (AsciiString.contentEqualsIgnoreCase(name, COOKIE)) {
        cookies = true; // HTTP/2 may split them; HTTP/1.1 wants one line (RFC 9113 8.2.3)
        continue;
      }
      if (authority != null && AsciiString.contentEqualsIgnoreCase(name, HOST_NAME)) {
        continue;
      }
      length |= AsciiString.contentEqualsIgnoreCase(name, CONTENT_LENGTH);
      ascii(out, name);
      out.writeBytes(COLON);
      ascii(out, header.getValue());
      crlf(out);
    }
    if (cookies) {
      ascii(out, COOKIE);
      out.writeBytes(COLON);
      List<CharSequence> values = headers.getAll(COOKIE);
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.writeBytes(COOKIE_SEPARATOR);
        }
        ascii(out, values.get(i));
      }
      crlf(out);
    }
    chunkedRequest = !endStream && !length;
    if (chunkedRequest) {
      out.writeBytes(CHUNKED);
    }
    crlf(out);
    requestOpen = !endStream;
    ctx.write(out, promise);
  }

  private void requestData(
      ChannelHandlerContext ctx, Http2DataFrame frame, ChannelPromise promise) {
    ByteBuf data = frame.content();
    boolean end = frame.isEndStream();
    if (!requestOpen) {
      data.release(); // nothing is being sent: the exchange wrote past its end
      promise.trySuccess();
      return;
    }
    requestOpen = !end;
    if (!chunkedRequest) {
      ctx.write(data, promise);
      return;
    }
    int n = data.readableBytes();
    if (n == 0) {
      data.release();
      if (end) {
        ctx.write(LAST_CHUNK.duplicate(), promise);
      } else {
        promise.trySuccess();
      }
      return;
    }
    ByteBuf size = ctx.alloc().buffer(10);
    size.writeCharSequence(Integer.toHexString(n), StandardCharsets.US_ASCII);
    crlf(size);
    ctx.write(size, ctx.voidPromise());
    ctx.write(data, ctx.voidPromise());
    ctx.write(CRLF.duplicate(), end ? ctx.voidPromise() : promise);
    if (end) {
      ctx.write(LAST_CHUNK.duplicate(), promise);
    }
  }

  private void requestTrailers(
      ChannelHandlerContext ctx, Http2Headers trailers, ChannelPromise promise) {
    requestOpen = false;
    if (!chunkedRequest) {
      promise.trySuccess(); // a body of stated length has no trailer section: they are dropped
      return;
    }
    ByteBuf out = ctx.alloc().buffer(64 + 64 * trailers.size());
    out.writeByte('0');
    crlf(out);
    for (Map.Entry<CharSequence, CharSequence> field : trailers) {
      ascii(out, field.getKey());
      out.writeBytes(COLON);
      ascii(out, field.getValue());
      crlf(out);
    }
    crlf(out);
    ctx.write(out, promise);
  }

  // ---- the response, from bytes to frames

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf data)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (state == IDLE) {
      data.release(); // a member must not speak while no request is outstanding
      fail(ctx, "sent bytes while no request was outstanding");
      return;
    }
    in = Cumulation.append(ctx.alloc(), in, data);
    while (state != IDLE && in != null && in.isReadable()) {
      if (!(state == HEAD ? head(ctx) : body(ctx))) {
        break;
      }
    }
    if (in != null && state == IDLE && in.isReadable()) {
      reusable = false; // bytes past the response: the connection cannot be trusted again
    }
    in = Cumulation.releaseIfEmpty(in);
  }

  /** Parses a head; false when more bytes are needed or the exchange failed. */
  private boolean head(ChannelHandlerContext ctx) {
    int end = Http1HeadParser.parse(in, false, response);
    if (end == Http1HeadParser.NEED_MORE) {
      return false;
    }
    if (end < 0) {
      fail(ctx, "sent a malformed response");
      return false;
    }
    int status = response.status;
    if (status < 200) {
      if (status == 101) {
        fail(ctx, "switched protocols unasked"); // the request carried no Upgrade
        return false;
      }
      // 100 Continue, 103 Early Hints: passed on as an interim HEADERS; the answer follows.
      Http2Headers interim = responseHeaders(status);
      in.readerIndex(end);
      ctx.fireChannelRead(new DefaultHttp2HeadersFrame(interim, false));
      return true;
    }
    body.response(response, headRequest);
    reusable = response.keepAlive() && !body.isUntilClose();
    Http2Headers headers = responseHeaders(status);
    in.readerIndex(end);
    boolean done = body.done();
    state = done ? IDLE : BODY;
    chunks.reset();
    ctx.fireChannelRead(new DefaultHttp2HeadersFrame(headers, done));
    return !done;
  }

  /** Hands on what of the body has come; false when more bytes are needed or it failed. */
  private boolean body(ChannelHandlerContext ctx) {
    int start = in.readerIndex();
    int n = body.scan(in, response.chunked ? chunks : null);
    if (n < 0) {
      chunks.release();
      fail(ctx, "sent a malformed chunked body");
      return false;
    }
    boolean done = body.done();
    if (done) {
      state = IDLE;
    }
    if (!response.chunked) {
      if (n > 0 || done) {
        ctx.fireChannelRead(new DefaultHttp2DataFrame(in.readRetainedSlice(n), done));
      }
      return false;
    }
    in.readerIndex(start + n);
    chunks.emit(ctx, in, done);
    return false;
  }

  /** The response head as HTTP/2 headers: names in lower case, hop-by-hop fields left out. */
  private Http2Headers responseHeaders(int status) {
    Http2Headers headers = new DefaultHttp2Headers(false, response.headerCount + 1);
    headers.status(HttpResponseStatus.valueOf(status).codeAsText());
    for (int i = 0; i < response.headerCount; i++) {
      switch (response.kind[i]) {
        case KnownHeaders.CONNECTION,
            KnownHeaders.KEEP_ALIVE,
            KnownHeaders.PROXY_CONNECTION,
            KnownHeaders.TE,
            KnownHeaders.TRAILER,
            KnownHeaders.TRANSFER_ENCODING,
            KnownHeaders.UPGRADE -> {}
        case KnownHeaders.CONTENT_LENGTH -> {
          if (!response.chunked && !response.otherCoding) {
            // With Transfer-Encoding the length says nothing true (RFC 9112 6.3); passed on, it
            // would make the client's stream malformed.
            add(headers, i);
          }
        }
        default -> {
          if (!namedByConnection(response.nameStart[i], response.nameEnd[i])) {
            add(headers, i);
          }
        }
      }
    }
    return headers;
  }

  private void add(Http2Headers headers, int i) {
    headers.add(
        name(in, response.nameStart[i], response.nameEnd[i]),
        copy(in, response.valueStart[i], response.valueEnd[i]));
  }

  private boolean namedByConnection(int start, int end) {
    for (int d = 0; d < response.dropCount; d++) {
      if (KnownHeaders.sameToken(in, start, end, response.dropStart[d], response.dropEnd[d])) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == BODY && body.isUntilClose()) {
      state = IDLE; // the member's close ends this body
      reusable = false;
      ctx.fireChannelRead(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
    }
    in = Cumulation.release(in);
    chunks.release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    in = Cumulation.release(in);
    chunks.release();
  }

  private void fail(ChannelHandlerContext ctx, String why) {
    state = IDLE;
    reusable = false;
    in = Cumulation.release(in);
    ctx.fireExceptionCaught(new MalformedResponse(why));
  }

  /**
   * The data and trailers of a chunked response body, collected while {@link BodyFramer} scans and
   * handed on after, as DATA frames of slices and a trailing HEADERS frame.
   */
  private static final class ChunkReader implements BodyFramer.Chunks {
    private final List<int[]> runs = new ArrayList<>(4);
    private ByteBuf trailer;

    void reset() {
      runs.clear();
      release();
    }

    void release() {
      if (trailer != null) {
        trailer.release();
        trailer = null;
      }
    }

    @Override
    public void data(int index, int length) {
      runs.add(new int[] {index, length});
    }

    @Override
    public void trailer(byte b) {
      if (trailer == null) {
        trailer = Unpooled.buffer(128);
      }
      trailer.writeByte(b);
    }

    /** Fires what this scan found; the last frame ends the stream once the body is done. */
    void emit(ChannelHandlerContext ctx, ByteBuf in, boolean done) {
      Http2Headers trailers = done && trailer != null ? trailers() : null;
      int count = runs.size();
      List<DefaultHttp2DataFrame> frames = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int[] run = runs.get(i);
        boolean last = done && trailers == null && i == count - 1;
        frames.add(new DefaultHttp2DataFrame(in.retainedSlice(run[0], run[1]), last));
      }
      runs.clear();
      if (done && trailers == null && count == 0) {
        frames.add(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
      }
      for (DefaultHttp2DataFrame frame : frames) {
        ctx.fireChannelRead(frame);
      }
      if (trailers != null) {
        ctx.fireChannelRead(new DefaultHttp2HeadersFrame(trailers, true));
      }
    }

    private Http2Headers trailers() {
      Http2Headers headers = new DefaultHttp2Headers(false);
      int lineStart = 0;
      for (int i = 0; i < trailer.writerIndex(); i++) {
        if (trailer.getByte(i) != '\n') {
          continue;
        }
        int colon = trailer.indexOf(lineStart, i, (byte) ':');
        if (colon > lineStart && passes(trailer, lineStart, colon)) {
          int valueStart = colon + 1;
          while (valueStart < i && isBlank(trailer.getByte(valueStart))) {
            valueStart++;
          }
          int valueEnd = i;
          while (valueEnd > valueStart && isBlank(trailer.getByte(valueEnd - 1))) {
            valueEnd--;
          }
          headers.add(lowerCase(trailer, lineStart, colon), copy(trailer, valueStart, valueEnd));
        }
        lineStart = i + 1;
      }
      release();
      return headers.isEmpty() ? null : headers;
    }

    /**
     * Whether a trailer field may reach an HTTP/2 client: a token name, and not one that frames or
     * routes a message (RFC 9110 6.5.1), which would make the client's stream malformed.
     */
    private static boolean passes(ByteBuf buf, int start, int end) {
      return Http1HeadParser.isToken(buf, start, end)
          && KnownHeaders.kindOf(buf, start, end) == KnownHeaders.OTHER;
    }

    private static boolean isBlank(byte b) {
      return b == ' ' || b == '\t';
    }
  }

  /**
   * A response header's name in lower case: one of the common names, whose hash codes are computed
   * once for every header map and HPACK table that looks them up, or else a new string.
   */
  private static AsciiString name(ByteBuf buf, int start, int end) {
    int length = end - start;
    for (AsciiString common : COMMON_NAMES) {
      if (common.length() == length && KnownHeaders.tokenIs(buf, start, end, common.array())) {
        return common;
      }
    }
    return lowerCase(buf, start, end);
  }

  private static AsciiString lowerCase(ByteBuf buf, int start, int end) {
    byte[] bytes = new byte[end - start];
    buf.getBytes(start, bytes);
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      bytes[i] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
    return new AsciiString(bytes, false);
  }

  private static AsciiString copy(ByteBuf buf, int start, int end) {
    byte[] bytes = new byte[end - start];
    buf.getBytes(start, bytes);
    return new AsciiString(bytes, false);
  }

  private static void ascii(ByteBuf out, CharSequence text) {
    if (text instanceof AsciiString ascii) {
      ByteBufUtil.copy(ascii, out);
    } else {
      out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    }
  }

  private static void crlf(ByteBuf out) {
    out.writeByte('\r').writeByte('\n');
  }

  private static ByteBuf constant(String text) {
    return Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(text.length()).writeBytes(KnownHeaders.ascii(text)).asReadOnly());
  }
}
