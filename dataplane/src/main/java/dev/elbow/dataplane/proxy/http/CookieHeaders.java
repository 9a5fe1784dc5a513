package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.routing.StickyCookies;
import io.netty.buffer.ByteBuf;

/**
 * Finds cookies in place in a parsed head, for sticky sessions: a request's {@code Cookie} headers
 * ({@code a=1; b=2}, possibly several lines) and a response's {@code Set-Cookie} headers. Cookie
 * names match exactly (RFC 6265); nothing is copied or allocated.
 */
final class CookieHeaders {

  private CookieHeaders() {}

  /** The token in the request's cookie {@code name}, or {@link StickyCookies#NO_TOKEN}. */
  static long token(ByteBuf in, Http1Head h, byte[] name) {
    for (int i = 0; i < h.headerCount; i++) {
      if (h.kind[i] == KnownHeaders.COOKIE) {
        int value = valueStart(in, h.valueStart[i], h.valueEnd[i], name);
        if (value >= 0) {
          return parseToken(in, value, valueEnd(in, value, h.valueEnd[i]));
        }
      }
    }
    return StickyCookies.NO_TOKEN;
  }

  /** Whether the request sends cookie {@code name}. */
  static boolean has(ByteBuf in, Http1Head h, byte[] name) {
    for (int i = 0; i < h.headerCount; i++) {
      if (h.kind[i] == KnownHeaders.COOKIE
          && valueStart(in, h.valueStart[i], h.valueEnd[i], name) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether the response sets cookie {@code name}: a Set-Cookie whose pair is {@code name=...}. */
  static boolean sets(ByteBuf in, Http1Head h, byte[] name) {
    for (int i = 0; i < h.headerCount; i++) {
      if (h.kind[i] == KnownHeaders.SET_COOKIE
          && startsWithPair(
              in, skipSpaces(in, h.valueStart[i], h.valueEnd[i]), h.valueEnd[i], name)) {
        return true;
      }
    }
    return false;
  }

  /** Where the value of cookie {@code name} starts in a Cookie header value, or -1. */
  static int valueStart(ByteBuf in, int start, int end, byte[] name) {
    int pos = start;
    while (pos < end) {
      pos = skipSpaces(in, pos, end);
      if (startsWithPair(in, pos, end, name)) {
        return pos + name.length + 1;
      }
      int next = in.indexOf(pos, end, (byte) ';');
      if (next < 0) {
        return -1;
      }
      pos = next + 1;
    }
    return -1;
  }

  private static int valueEnd(ByteBuf in, int value, int end) {
    int semicolon = in.indexOf(value, end, (byte) ';');
    int stop = semicolon < 0 ? end : semicolon;
    while (stop > value && (in.getByte(stop - 1) == ' ' || in.getByte(stop - 1) == '\t')) {
      stop--;
    }
    return stop;
  }

  private static boolean startsWithPair(ByteBuf in, int pos, int end, byte[] name) {
    if (end - pos <= name.length || in.getByte(pos + name.length) != '=') {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (in.getByte(pos + i) != name[i]) {
        return false;
      }
    }
    return true;
  }

  private static int skipSpaces(ByteBuf in, int pos, int end) {
    while (pos < end && (in.getByte(pos) == ' ' || in.getByte(pos) == '\t')) {
      pos++;
    }
    return pos;
  }

  private static long parseToken(ByteBuf in, int start, int end) {
    if (end - start != StickyCookies.TOKEN_LENGTH) {
      return StickyCookies.NO_TOKEN;
    }
    long token = 0;
    for (int i = start; i < end; i++) {
      int digit = Character.digit(in.getByte(i), 16);
      if (digit < 0) {
        return StickyCookies.NO_TOKEN;
      }
      token = (token << 4) | digit;
    }
    return token;
  }
}
