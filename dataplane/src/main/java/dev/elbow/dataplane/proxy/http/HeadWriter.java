package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.routing.HeaderRewrite;
import io.netty.buffer.ByteBuf;

/**
 * Writes the heads the proxy forwards, from a parsed {@link Http1Head} and the bytes it points
 * into: the request line or status line as HTTP/1.1, every header but the hop-by-hop ones, then the
 * headers the proxy adds. Copies bytes between pooled buffers; allocates nothing.
 */
final class HeadWriter {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] COLON = {':', ' '};
  private static final byte[] COMMA = {',', ' '};
  private static final byte[] HTTP11 = KnownHeaders.ascii(" HTTP/1.1\r\n");
  private static final byte[] HTTP10 = KnownHeaders.ascii(" HTTP/1.0\r\n");
  private static final byte[] STATUS_HTTP11 = KnownHeaders.ascii("HTTP/1.1 ");
  private static final byte[] XFF = KnownHeaders.ascii("x-forwarded-for: ");
  private static final byte[] XFPROTO_HTTP = KnownHeaders.ascii("x-forwarded-proto: http\r\n");
  private static final byte[] XFPROTO_HTTPS = KnownHeaders.ascii("x-forwarded-proto: https\r\n");
  private static final byte[] XFPORT = KnownHeaders.ascii("x-forwarded-port: ");
  private static final byte[] HOST = KnownHeaders.ascii("host: ");
  private static final byte[] CONNECTION_CLOSE = KnownHeaders.ascii("connection: close\r\n");

  /** The upgrade a WebSocket handshake asks for, and the 101 that grants it answers with. */
  static final byte[] UPGRADE_WEBSOCKET =
      KnownHeaders.ascii("upgrade: websocket\r\nconnection: upgrade\r\n");

  private static final byte[] CONNECTION_KEEP_ALIVE =
      KnownHeaders.ascii("connection: keep-alive\r\n");
  private static final byte[] TRANSFER_CHUNKED =
      KnownHeaders.ascii("transfer-encoding: chunked\r\n");

  private HeadWriter() {}

  /**
   * The request head for the member. HTTP/1.1 requests go as HTTP/1.1 on a keep-alive connection;
   * HTTP/1.0 requests go as HTTP/1.0 with {@code connection: close}, so the member answers in a
   * form an HTTP/1.0 client can read (no chunks).
   *
   * @param client the client's address, for X-Forwarded-For
   * @param port the listener's port, for X-Forwarded-Port
   * @param host the Host to send when the client sent none (HTTP/1.0)
   * @param secure the client came over TLS, so X-Forwarded-Proto says https
   * @param webSocket the client asks for a WebSocket: Upgrade and Connection say so again
   */
  static void request(
      ByteBuf out,
      ByteBuf in,
      Http1Head h,
      byte[] client,
      byte[] port,
      byte[] host,
      boolean secure,
      boolean webSocket,
      HeaderRewrite rewrite) {
    out.writeBytes(in, h.methodStart, h.targetEnd - h.methodStart);
    out.writeBytes(h.http10 ? HTTP10 : HTTP11);
    for (int i = 0; i < h.headerCount; i++) {
      switch (h.kind[i]) {
        case KnownHeaders.CONNECTION,
            KnownHeaders.KEEP_ALIVE,
            KnownHeaders.PROXY_CONNECTION,
            KnownHeaders.TE,
            KnownHeaders.TRAILER,
            KnownHeaders.UPGRADE,
            KnownHeaders.X_FORWARDED_FOR,
            KnownHeaders.X_FORWARDED_PROTO,
            KnownHeaders.X_FORWARDED_PORT -> {}
        default -> {
          if (!dropped(in, h, i) && !rewritten(rewrite, in, h, i)) {
            header(out, in, h, i);
          }
        }
      }
    }
    if (rewrite != null) {
      out.writeBytes(rewrite.appended());
    }
    // Every X-Forwarded-For line the client sent is one list (RFC 9110 5.3); the client's own
    // address goes last. Proto and port are the proxy's to say.
    out.writeBytes(XFF);
    for (int i = 0; i < h.headerCount; i++) {
      if (h.kind[i] == KnownHeaders.X_FORWARDED_FOR && h.valueEnd[i] > h.valueStart[i]) {
        out.writeBytes(in, h.valueStart[i], h.valueEnd[i] - h.valueStart[i]);
        out.writeBytes(COMMA);
      }
    }
    out.writeBytes(client).writeBytes(CRLF);
    out.writeBytes(secure ? XFPROTO_HTTPS : XFPROTO_HTTP);
    out.writeBytes(XFPORT).writeBytes(port).writeBytes(CRLF);
    if (!h.hasHost) {
      out.writeBytes(HOST).writeBytes(host).writeBytes(CRLF);
    }
    if (h.http10) {
      out.writeBytes(CONNECTION_CLOSE);
    }
    if (webSocket) {
      out.writeBytes(UPGRADE_WEBSOCKET); // the one upgrade passed on; the member may switch
    }
    out.writeBytes(CRLF);
  }

  /**
   * The response head for the client.
   *
   * @param keepAlive whether the client connection stays open after this response
   * @param http10Client the client spoke HTTP/1.0
   * @param rechunk the member delimits the body by closing and the proxy sends it as chunks
   * @param extraLine a whole header line the proxy adds (a sticky-session Set-Cookie), or null
   * @param rewrite a forwarding rule's changes to the response headers, or null
   */
  static void response(
      ByteBuf out,
      ByteBuf in,
      Http1Head h,
      boolean keepAlive,
      boolean http10Client,
      boolean rechunk,
      byte[] extraLine,
      HeaderRewrite rewrite) {
    out.writeBytes(STATUS_HTTP11);
    out.writeByte('0' + h.status / 100)
        .writeByte('0' + h.status / 10 % 10)
        .writeByte('0' + h.status % 10);
    out.writeByte(' ');
    out.writeBytes(in, h.reasonStart, h.reasonEnd - h.reasonStart);
    out.writeBytes(CRLF);
    for (int i = 0; i < h.headerCount; i++) {
      switch (h.kind[i]) {
        case KnownHeaders.CONNECTION,
            KnownHeaders.KEEP_ALIVE,
            KnownHeaders.PROXY_CONNECTION,
            KnownHeaders.TE,
            KnownHeaders.TRAILER,
            KnownHeaders.UPGRADE -> {}
        default -> {
          if (!dropped(in, h, i) && !rewritten(rewrite, in, h, i)) {
            header(out, in, h, i);
          }
        }
      }
    }
    if (rewrite != null) {
      out.writeBytes(rewrite.appended());
    }
    if (extraLine != null) {
      out.writeBytes(extraLine);
    }
    if (rechunk) {
      out.writeBytes(TRANSFER_CHUNKED);
    }
    if (!keepAlive) {
      out.writeBytes(CONNECTION_CLOSE);
    } else if (http10Client) {
      out.writeBytes(CONNECTION_KEEP_ALIVE);
    }
    out.writeBytes(CRLF);
  }

  /** An interim (1xx) response, passed on as it is but for its hop-by-hop headers. */
  static void interim(ByteBuf out, ByteBuf in, Http1Head h) {
    response(out, in, h, true, false, false, null, null);
  }

  /** Whether a forwarding rule removes or replaces this header. */
  private static boolean rewritten(HeaderRewrite rewrite, ByteBuf in, Http1Head h, int i) {
    return rewrite != null && rewrite.drops(in, h.nameStart[i], h.nameEnd[i]);
  }

  private static void header(ByteBuf out, ByteBuf in, Http1Head h, int i) {
    out.writeBytes(in, h.nameStart[i], h.nameEnd[i] - h.nameStart[i]);
    out.writeBytes(COLON);
    out.writeBytes(in, h.valueStart[i], h.valueEnd[i] - h.valueStart[i]);
    out.writeBytes(CRLF);
  }

  /**
   * Whether the Connection header names this header as hop-by-hop. Framing headers and Host are
   * never dropped that way: removing them would let a client smuggle its body in as a request.
   */
  private static boolean dropped(ByteBuf in, Http1Head h, int i) {
    if (h.dropCount == 0
        || h.kind[i] == KnownHeaders.CONTENT_LENGTH
        || h.kind[i] == KnownHeaders.TRANSFER_ENCODING
        || h.kind[i] == KnownHeaders.HOST) {
      return false;
    }
    for (int d = 0; d < h.dropCount; d++) {
      if (KnownHeaders.sameToken(in, h.nameStart[i], h.nameEnd[i], h.dropStart[d], h.dropEnd[d])) {
        return true;
      }
    }
    return false;
  }
}
