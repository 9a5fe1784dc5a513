package dev.elbow.dataplane.metrics;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.util.Locale;

/**
 * What went wrong, as {@code elbow_errors_total{kind}} and the access log's error field name it.
 * Each is counted where the proxy decides the outcome: the error response it makes, the close, or
 * the retry.
 */
public enum ErrorKind {
  /** A member refused a connection (each failed attempt, retried or not). */
  CONNECT_REFUSED,
  /** A connect to a member took longer than the connect timeout. */
  CONNECT_TIMEOUT,
  /** A connect to a member failed some other way (no route, say). */
  CONNECT_ERROR,
  /** A member closed or reset its connection during an exchange, or sent what is not HTTP. */
  BACKEND_RESET,
  /** The group had no member that may take traffic. */
  NO_HEALTHY_MEMBER,
  /** A client's TLS handshake failed. */
  TLS_HANDSHAKE,
  /** A client sent a malformed or refused request (400, 405, 414, 431, 501, 505). */
  BAD_REQUEST,
  /** A client did not send a whole request head within the request timeout (408). */
  REQUEST_TIMEOUT,
  /** A member did not answer within the response timeout (504). */
  RESPONSE_TIMEOUT,
  /**
   * A client connection was closed as soon as it was accepted: the data plane had as many open as
   * its connection limit allows.
   */
  CONNECTION_LIMIT;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The name in metrics and logs, e.g. {@code connect_refused}. */
  public String label() {
    return label;
  }

  /** Whether this is one of the kinds {@link #ofConnectFailure} gives. */
  public boolean isConnectFailure() {
    return this == CONNECT_REFUSED || this == CONNECT_TIMEOUT || this == CONNECT_ERROR;
  }

  /** The kind of a failed connect to a member. */
  public static ErrorKind ofConnectFailure(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return CONNECT_TIMEOUT;
    }
    return cause instanceof ConnectException ? CONNECT_REFUSED : CONNECT_ERROR;
  }
}
