package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.proxy.http.ErrorResponses;
import dev.elbow.dataplane.routing.DirectAnswer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The answers a stream gets without a member: the HTTP/1 path's fixed bodies and request IDs. */
final class StreamErrors {

  // Every error answered with its request ID, and what the client is not told (member, cause).
  private static final Logger errors = LoggerFactory.getLogger("elbow.errors");

  private StreamErrors() {}

  /**
   * The answer, with its request ID; what happened is logged under that ID.
   *
   * @param detail what happened, for the log; never sent
   */
  static FullHttpResponse answer(int status, String detail, boolean browser) {
    String id = ErrorResponses.newRequestId();
    if (status >= 500) {
      errors.warn("request {}: {} on stream exchange: {}", id, status, detail);
    } else {
      errors.debug("request {}: {} on stream exchange: {}", id, status, detail);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.wrappedBuffer(ErrorResponses.body(status, id, browser)));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, ErrorResponses.contentType(browser));
    response.headers().set(ErrorResponses.REQUEST_ID_HEADER, id);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    return response;
  }

  /** A forwarding rule's redirect or fixed response; {@code location} null for the latter. */
  static FullHttpResponse direct(DirectAnswer answer, String location) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(answer.status()),
            Unpooled.wrappedBuffer(answer.body()));
    if (location != null) {
      response.headers().set(HttpHeaderNames.LOCATION, location);
    }
    if (answer.contentType() != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
    }
    if (!DirectAnswer.bodiless(answer.status())) {
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
    }
    return response;
  }

  /** A failure after part of a response went out, which the client only sees as a reset. */
  static void log(String format, Object... args) {
    errors.warn(format, args);
  }
}
