package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.routing.DirectAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The responses the proxy makes itself, when no member could answer or the request was refused:
 * short fixed bodies that say what happened in general terms and carry a request ID. The member's
 * address and the exception go to the log under that ID ({@code elbow.errors}), never to the
 * client, as HAProxy's and NGINX's error pages name nothing inside.
 */
public final class ErrorResponses {

  /** The header that carries the ID of an error the proxy answered, as Envoy names it. */
  public static final String REQUEST_ID_HEADER = "x-request-id";

  private ErrorResponses() {}

  /** A new request ID: 16 hex digits, random enough to find one line in a day of logs. */
  public static String newRequestId() {
    return String.format("%016x", ThreadLocalRandom.current().nextLong());
  }

  /** The reason phrase of a status the proxy answers with itself. */
  public static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> "Error";
    };
  }

  /** What the status means to a client, without anything about the inside of the system. */
  static String explanation(int status) {
    return switch (status) {
      case 400 -> "The request was malformed.";
      case 405 -> "This method is not served here.";
      case 408 -> "The request did not arrive in time.";
      case 414 -> "The request line is too long.";
      case 431 -> "The request head is too large.";
      case 501 -> "The request uses a feature not served here.";
      case 502 -> "The server behind this address did not answer properly.";
      case 503 -> "No server is available to answer.";
      case 504 -> "The server behind this address did not answer in time.";
      case 505 -> "Only HTTP/1.0, HTTP/1.1 and HTTP/2 are served here.";
      default -> "The request could not be answered.";
    };
  }

  /** The body of an error answer: HTML for a browser (it accepts text/html), else plain text. */
  public static byte[] body(int status, String requestId, boolean html) {
    String title = status + " " + reason(status);
    String text =
        html
            ? "<!DOCTYPE html>\n<html><head><title>"
                + title
                + "</title></head><body><h1>"
                + title
                + "</h1><p>"
                + explanation(status)
                + "</p><p>Request ID: "
                + requestId
                + "</p></body></html>\n"
            : title + "\n" + explanation(status) + "\nRequest ID: " + requestId + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The content type of {@link #body}. */
  public static String contentType(boolean html) {
    return html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
  }

  /**
   * A whole HTTP/1.1 error response.
   *
   * @param keepAlive whether the client connection stays open afterwards
   * @param http10Client the client spoke HTTP/1.0, so keeping it open must be said
   * @param html the client is a browser
   */
  /**
   * A forwarding rule's own answer, a redirect or a fixed response, for an HTTP/1.x client.
   *
   * @param location a redirect's Location, or null
   */
  static ByteBuf direct(
      ByteBufAllocator alloc,
      DirectAnswer answer,
      String location,
      boolean keepAlive,
      boolean http10Client) {
    String head =
        "HTTP/1.1 "
            + answer.status()
            + " "
            + HttpResponseStatus.valueOf(answer.status()).reasonPhrase()
            + "\r\n"
            + (location != null ? "location: " + location + "\r\n" : "")
            + (answer.contentType() != null ? "content-type: " + answer.contentType() + "\r\n" : "")
            + (DirectAnswer.bodiless(answer.status())
                ? ""
                : "content-length: " + answer.body().length + "\r\n")
            + (!keepAlive
                ? "connection: close\r\n"
                : http10Client ? "connection: keep-alive\r\n" : "")
            + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    return alloc
        .buffer(headBytes.length + answer.body().length)
        .writeBytes(headBytes)
        .writeBytes(answer.body());
  }

  static ByteBuf of(
      ByteBufAllocator alloc,
      int status,
      String requestId,
      boolean html,
      boolean keepAlive,
      boolean http10Client) {
    byte[] body = body(status, requestId, html);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\n"
            + "content-type: "
            + contentType(html)
            + "\r\n"
            + "content-length: "
            + body.length
            + "\r\n"
            + REQUEST_ID_HEADER
            + ": "
            + requestId
            + "\r\n"
            + (!keepAlive
                ? "connection: close\r\n"
                : http10Client ? "connection: keep-alive\r\n" : "")
            + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    return alloc.buffer(headBytes.length + body.length).writeBytes(headBytes).writeBytes(body);
  }
}
