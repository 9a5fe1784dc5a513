package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The header names the proxy acts on, recognized in place, case-insensitively. */
final class KnownHeaders {

  static final int OTHER = 0;
  static final int CONTENT_LENGTH = 1;
  static final int TRANSFER_ENCODING = 2;
  static final int CONNECTION = 3;
  static final int KEEP_ALIVE = 4;
  static final int PROXY_CONNECTION = 5;
  static final int TE = 6;
  static final int TRAILER = 7;
  static final int UPGRADE = 8;
  static final int HOST = 9;
  static final int X_FORWARDED_FOR = 10;
  static final int X_FORWARDED_PROTO = 11;
  static final int X_FORWARDED_PORT = 12;
  static final int COOKIE = 13;
  static final int SET_COOKIE = 14;

  static final byte[] CHUNKED = ascii("chunked");
  static final byte[] CLOSE = ascii("close");
  static final byte[] KEEP_ALIVE_TOKEN = ascii("keep-alive");

  private static final byte[][] NAMES = new byte[15][];

  static {
    NAMES[CONTENT_LENGTH] = ascii("content-length");
    NAMES[TRANSFER_ENCODING] = ascii("transfer-encoding");
    NAMES[CONNECTION] = ascii("connection");
    NAMES[KEEP_ALIVE] = ascii("keep-alive");
    NAMES[PROXY_CONNECTION] = ascii("proxy-connection");
    NAMES[TE] = ascii("te");
    NAMES[TRAILER] = ascii("trailer");
    NAMES[UPGRADE] = ascii("upgrade");
    NAMES[HOST] = ascii("host");
    NAMES[X_FORWARDED_FOR] = ascii("x-forwarded-for");
    NAMES[X_FORWARDED_PROTO] = ascii("x-forwarded-proto");
    NAMES[X_FORWARDED_PORT] = ascii("x-forwarded-port");
    NAMES[COOKIE] = ascii("cookie");
    NAMES[SET_COOKIE] = ascii("set-cookie");
  }

  private KnownHeaders() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Which known header the name at [start, end) is, or {@link #OTHER}. */
  static int kindOf(ByteBuf buf, int start, int end) {
    int length = end - start;
    for (int kind = 1; kind < NAMES.length; kind++) {
      if (NAMES[kind].length == length && tokenIs(buf, start, end, NAMES[kind])) {
        return kind;
      }
    }
    return OTHER;
  }

  /** Whether [start, end) equals the lower-case {@code token}, ignoring ASCII case. */
  static boolean tokenIs(ByteBuf buf, int start, int end, byte[] token) {
    if (end - start != token.length) {
      return false;
    }
    for (int i = 0; i < token.length; i++) {
      if (lower(buf.getByte(start + i)) != token[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether two ranges of the same buffer hold the same token, ignoring ASCII case. */
  static boolean sameToken(ByteBuf buf, int aStart, int aEnd, int bStart, int bEnd) {
    if (aEnd - aStart != bEnd - bStart) {
      return false;
    }
    for (int i = 0; i < aEnd - aStart; i++) {
      if (lower(buf.getByte(aStart + i)) != lower(buf.getByte(bStart + i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether [start, end) contains the lower-case {@code token}, ignoring ASCII case. */
  static boolean contains(ByteBuf buf, int start, int end, byte[] token) {
    for (int at = start; at + token.length <= end; at++) {
      if (tokenIs(buf, at, at + token.length, token)) {
        return true;
      }
    }
    return false;
  }

  private static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }
}
