package dev.elbow.dataplane.metrics;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per HTTP request, and per TCP connection or UDP flow when it ends,
 * through the SLF4J logger {@value #LOGGER} (which logback hands to an asynchronous appender, so an
 * event loop never waits for stdout). Only built when the data plane runs with {@code
 * --access-log}: the proxy holds a null access log otherwise, and builds no line.
 *
 * <p>The line is {@code key=value} pairs in a fixed order: time, listener, client, method, host,
 * path, protocol, status, bytes_in, bytes_out, member, duration_ms, error; a missing value is
 * {@code -}. The same pairs go along as SLF4J key-values, so the JSON log format has them as
 * fields.
 */
public final class AccessLog {

  /** The logger's name. */
  public static final String LOGGER = "elbow.access";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  /** The keys of a line's fields, in their order. */
  public static final List<String> FIELDS =
      List.of(
          "time",
          "listener",
          "client",
          "method",
          "host",
          "path",
          "protocol",
          "status",
          "bytes_in",
          "bytes_out",
          "member",
          "duration_ms",
          "error");

  /**
   * Writes one line: an HTTP request ({@code protocol} HTTP/1.1, HTTP/1.0 or HTTP/2), or a TCP
   * connection or UDP flow that ended ({@code protocol} TCP or UDP, with no method, host, path or
   * status). A null string, {@code status} 0 or a null {@code error} is written {@code -}.
   */
  public void log(
      String listener,
      String client,
      String method,
      String host,
      String path,
      String protocol,
      int status,
      long bytesIn,
      long bytesOut,
      String member,
      long nanos,
      ErrorKind error) {
    String[] values = {
      Instant.now().toString(),
      listener,
      client,
      method,
      host,
      path,
      protocol,
      status == 0 ? null : Integer.toString(status),
      Long.toString(bytesIn),
      Long.toString(bytesOut),
      member,
      Double.toString(nanos / 1_000 / 1_000.0),
      error == null ? null : error.label()
    };
    StringBuilder line = new StringBuilder(160);
    var event = log.atInfo();
    for (int i = 0; i < FIELDS.size(); i++) {
      String value = clean(values[i]);
      if (i > 0) {
        line.append(' ');
      }
      line.append(FIELDS.get(i)).append('=').append(value);
      event = event.addKeyValue(FIELDS.get(i), value);
    }
    event.log(line.toString());
  }

  /** A client's address and port as the log shows it, e.g. {@code 10.0.0.7:52114}. */
  public static String address(SocketAddress address) {
    return address instanceof InetSocketAddress inet
        ? NetUtil.toSocketAddressString(inet)
        : String.valueOf(address);
  }

  /** A value as one token: {@code -} when missing; spaces and control characters become '_'. */
  private static String clean(String value) {
    if (value == null || value.isEmpty()) {
      return "-";
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) <= ' ' || value.charAt(i) == 0x7f) {
        StringBuilder cleaned = new StringBuilder(value);
        for (int j = i; j < cleaned.length(); j++) {
          if (cleaned.charAt(j) <= ' ' || cleaned.charAt(j) == 0x7f) {
            cleaned.setCharAt(j, '_');
          }
        }
        return cleaned.toString();
      }
    }
    return value;
  }
}
