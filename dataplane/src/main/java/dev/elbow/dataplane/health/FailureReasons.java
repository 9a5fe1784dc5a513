package dev.elbow.dataplane.health;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the exceptions of a failed probe, or of a failed connect by traffic, into the short reasons
 * shown in status.
 */
public final class FailureReasons {

  private FailureReasons() {}

  /** Why traffic to a member failed (its connect, or the connection), as a check would put it. */
  public static String ofTraffic(Throwable cause) {
    return cause instanceof ConnectTimeoutException ? "connect timeout" : of(cause, 0);
  }

  static String of(Throwable cause, int timeoutSeconds) {
    if (cause instanceof ConnectTimeoutException) {
      return timeout(timeoutSeconds);
    }
    if (cause instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (cause instanceof ConnectException) {
      String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
      return message.contains("refused") ? "connection refused" : "connect failed: " + message;
    }
    if (cause instanceof io.netty.handler.codec.DecoderException
        && cause.getCause() instanceof javax.net.ssl.SSLException tls) {
      return "TLS: " + tls.getMessage();
    }
    if (cause instanceof javax.net.ssl.SSLException tls) {
      return "TLS: " + tls.getMessage();
    }
    if (cause instanceof ClosedChannelException) {
      return "connection closed";
    }
    String message = cause.getMessage();
    if (message != null && message.contains("Connection reset")) {
      return "connection reset"; // the transports word it differently (epoll, io_uring, NIO)
    }
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  static String timeout(int timeoutSeconds) {
    return "timeout after " + timeoutSeconds + "s";
  }
}
