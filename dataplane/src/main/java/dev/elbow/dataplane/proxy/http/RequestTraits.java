package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;

/** What a parsed request head says about how the proxy may treat it, read in place. */
final class RequestTraits {

  private static final byte[] ACCEPT = KnownHeaders.ascii("accept");
  private static final byte[] TEXT_HTML = KnownHeaders.ascii("text/html");
  private static final byte[] WEBSOCKET = KnownHeaders.ascii("websocket");
  private static final byte[] UPGRADE = KnownHeaders.ascii("upgrade");

  private RequestTraits() {}

  /**
   * Whether the method is one a retry may send twice: GET, HEAD, OPTIONS and TRACE. PUT and DELETE
   * are idempotent by RFC 9110 but change things, and no peer replays them by default; POST and
   * PATCH never. (The body is the caller's to check.)
   */
  static boolean mayBeSentTwice(ByteBuf in, Http1Head request) {
    int length = request.methodEnd - request.methodStart;
    byte first = in.getByte(request.methodStart);
    return switch (length) {
      case 3 -> first == 'G';
      case 4 -> first == 'H';
      case 5 -> first == 'T';
      case 7 -> first == 'O';
      default -> false;
    };
  }

  /** Whether an Accept header of the request names text/html, as browsers' do. */
  static boolean acceptsHtml(ByteBuf in, Http1Head request) {
    for (int i = 0; i < request.headerCount; i++) {
      if (KnownHeaders.tokenIs(in, request.nameStart[i], request.nameEnd[i], ACCEPT)
          && KnownHeaders.contains(in, request.valueStart[i], request.valueEnd[i], TEXT_HTML)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the request asks to become a WebSocket (RFC 6455 4.1): {@code Upgrade: websocket} and
   * {@code upgrade} among the Connection tokens, on HTTP/1.1.
   */
  static boolean asksForWebSocket(ByteBuf in, Http1Head request) {
    if (request.http10) {
      return false;
    }
    boolean upgradeToken = false;
    for (int d = 0; d < request.dropCount && !upgradeToken; d++) {
      upgradeToken = KnownHeaders.tokenIs(in, request.dropStart[d], request.dropEnd[d], UPGRADE);
    }
    if (!upgradeToken) {
      return false;
    }
    for (int i = 0; i < request.headerCount; i++) {
      if (request.kind[i] == KnownHeaders.UPGRADE
          && KnownHeaders.contains(in, request.valueStart[i], request.valueEnd[i], WEBSOCKET)) {
        return true;
      }
    }
    return false;
  }
}
