package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** The responses the proxy makes itself, when no member could answer. */
final class ErrorResponses {

  private ErrorResponses() {}

  /**
   * A small plain-text response.
   *
   * @param keepAlive whether the client connection stays open afterwards
   * @param http10Client the client spoke HTTP/1.0, so keeping it open must be said
   */
  static ByteBuf of(
      ByteBufAllocator alloc,
      int status,
      String reason,
      String message,
      boolean keepAlive,
      boolean http10Client) {
    byte[] body = (status + " " + reason + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\n"
            + "content-type: text/plain; charset=utf-8\r\n"
            + "content-length: "
            + body.length
            + "\r\n"
            + (!keepAlive
                ? "connection: close\r\n"
                : http10Client ? "connection: keep-alive\r\n" : "")
            + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    return alloc.buffer(headBytes.length + body.length).writeBytes(headBytes).writeBytes(body);
  }
}
