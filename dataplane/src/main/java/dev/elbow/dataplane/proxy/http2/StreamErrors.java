package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.proxy.http.ErrorResponses;
import dev.elbow.dataplane.routing.DirectAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The answers a stream gets without a member: the HTTP/1 path's fixed bodies and request IDs. */
final class StreamErrors {

  // Every error answered with its request ID, and what the client is not told (member, cause).
  private static final Logger errors = LoggerFactory.getLogger("elbow.errors");

  /** An answer made here: its head and body. */
  record Answer(Http2Headers headers, ByteBuf body) {}

  private StreamErrors() {}

  /**
   * The answer, with its request ID; what happened is logged under that ID.
   *
   * @param detail what happened, for the log; never sent
   */
  static Answer answer(int status, String detail, boolean browser) {
    String id = ErrorResponses.newRequestId();
    if (status >= 500) {
      errors.warn("request {}: {} on stream exchange: {}", id, status, detail);
    } else {
      errors.debug("request {}: {} on stream exchange: {}", id, status, detail);
    }
    ByteBuf body = Unpooled.wrappedBuffer(ErrorResponses.body(status, id, browser));
    Http2Headers headers = head(status);
    headers.set(HttpHeaderNames.CONTENT_TYPE, ErrorResponses.contentType(browser));
    headers.set(ErrorResponses.REQUEST_ID_HEADER, id);
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return new Answer(headers, body);
  }

  /** A forwarding rule's redirect or fixed response; {@code location} null for the latter. */
  static Answer direct(DirectAnswer answer, String location) {
    Http2Headers headers = head(answer.status());
    if (location != null) {
      headers.set(HttpHeaderNames.LOCATION, location);
    }
    if (answer.contentType() != null) {
      headers.set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
    }
    if (!DirectAnswer.bodiless(answer.status())) {
      headers.setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
    }
    return new Answer(headers, Unpooled.wrappedBuffer(answer.body()));
  }

  private static Http2Headers head(int status) {
    return new DefaultHttp2Headers(false).status(HttpResponseStatus.valueOf(status).codeAsText());
  }

  /** A failure after part of a response went out, which the client only sees as a reset. */
  static void log(String format, Object... args) {
    errors.warn(format, args);
  }
}
