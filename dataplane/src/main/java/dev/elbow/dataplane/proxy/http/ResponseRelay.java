package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.routing.HeaderRewrite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/**
 * Writes what a member answers to an HTTP/1.x client, for {@link HttpProxyFrontend}: heads written
 * anew from the bytes parsed ({@link HeadWriter}), bodies passed as the slices read, or chunked
 * again when the member's body runs until it closes and the client speaks HTTP/1.1 (so the
 * connection can stay open). The frontend decides what is written; this only writes it and counts
 * the bytes.
 */
final class ResponseRelay {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = KnownHeaders.ascii("0\r\n\r\n");
  private static final ByteBuf HEAD_END =
      Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'\r', '\n', '\r', '\n'}));

  private final ChannelHandlerContext client;
  private final ExchangeRecorder recorder;
  private boolean rechunk;

  ResponseRelay(ChannelHandlerContext client, ExchangeRecorder recorder) {
    this.client = client;
    this.recorder = recorder;
  }

  /** A 1xx response, passed on; the real response follows. */
  void interim(ByteBuf bytes, Http1Head head) {
    ByteBuf out = client.alloc().buffer(head.end - bytes.readerIndex() + 16);
    HeadWriter.interim(out, bytes, head);
    write(out);
  }

  /**
   * The response head.
   *
   * @param rechunk the body runs until the member closes and is sent on chunked
   * @param cookie a sticky-session Set-Cookie line to add, or null
   */
  void head(
      ByteBuf bytes,
      Http1Head head,
      boolean keepAlive,
      boolean http10,
      boolean rechunk,
      byte[] cookie,
      HeaderRewrite rewrite) {
    this.rechunk = rechunk;
    ByteBuf out =
        client
            .alloc()
            .buffer(head.end - bytes.readerIndex() + 64 + (cookie == null ? 0 : cookie.length));
    HeadWriter.response(out, bytes, head, keepAlive, http10, rechunk, cookie, rewrite);
    recorder.status(head.status);
    write(out);
  }

  /** A member's 101 to a WebSocket upgrade: the head, with the Upgrade it accepted. */
  void switchingProtocols(ByteBuf bytes, Http1Head head, byte[] cookie, HeaderRewrite rewrite) {
    byte[] extra = HeadWriter.UPGRADE_WEBSOCKET;
    if (cookie != null) {
      extra = java.util.Arrays.copyOf(cookie, cookie.length + extra.length);
      System.arraycopy(
          HeadWriter.UPGRADE_WEBSOCKET,
          0,
          extra,
          cookie.length,
          HeadWriter.UPGRADE_WEBSOCKET.length);
    }
    this.rechunk = false;
    head(bytes, head, true, false, false, extra, rewrite);
  }

  /** A piece of the body. */
  void body(ByteBuf slice) {
    recorder.responseBytes(slice.readableBytes()); // the body, without chunk framing
    if (!rechunk) {
      client.write(slice, client.voidPromise());
      return;
    }
    ByteBuf size = client.alloc().buffer(12);
    ByteBufHex.write(size, slice.readableBytes());
    size.writeBytes(CRLF);
    client.write(size, client.voidPromise());
    client.write(slice, client.voidPromise());
    client.write(Unpooled.wrappedBuffer(CRLF), client.voidPromise());
  }

  /** The body is whole. */
  void end() {
    if (rechunk) {
      client.write(Unpooled.wrappedBuffer(LAST_CHUNK), client.voidPromise());
    }
  }

  /**
   * An answer made without a member.
   *
   * @param headRequest the request was a HEAD: the head alone goes out (Content-Length and all),
   *     since a body would be read as the next response on this connection
   */
  void answer(int status, ByteBuf response, boolean headRequest) {
    if (headRequest) {
      int end = ByteBufUtil.indexOf(HEAD_END, response);
      response.writerIndex(end + HEAD_END.readableBytes());
    }
    recorder.status(status);
    write(response);
  }

  private void write(ByteBuf out) {
    recorder.responseBytes(out.readableBytes());
    client.write(out, client.voidPromise());
  }
}
