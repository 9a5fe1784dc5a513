package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;

/** What a parsed request head says about how the proxy may treat it, read in place. */
final class RequestTraits {

  private static final byte[] ACCEPT = KnownHeaders.ascii("accept");
  private static final byte[] TEXT_HTML = KnownHeaders.ascii("text/html");

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
}
