package dev.elbow.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Tells the backend who the client is, the way AWS load balancers and NGINX do: the client's
 * address is appended to {@code X-Forwarded-For}; {@code X-Forwarded-Proto} and {@code
 * X-Forwarded-Port} are set to what the client used, replacing whatever the client sent, since the
 * load balancer is the edge and a client could claim anything.
 */
final class ForwardedHeaders {

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");

  private ForwardedHeaders() {}

  static void apply(HttpHeaders headers, SocketAddress client, String proto, int port) {
    if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String address = NetUtil.toAddressString(inet.getAddress());
      List<String> existing = headers.getAll(X_FORWARDED_FOR);
      // Several X-Forwarded-For lines are one list (RFC 9110 section 5.3); keep them all.
      headers.set(
          X_FORWARDED_FOR,
          existing.isEmpty() ? address : String.join(", ", existing) + ", " + address);
    }
    headers.set(X_FORWARDED_PROTO, proto);
    headers.set(X_FORWARDED_PORT, port);
  }
}
