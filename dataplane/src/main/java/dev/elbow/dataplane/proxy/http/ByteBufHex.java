package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;

/** Writes chunk sizes in hex without making a String. */
final class ByteBufHex {

  private static final byte[] DIGITS = KnownHeaders.ascii("0123456789abcdef");

  private ByteBufHex() {}

  static void write(ByteBuf out, int value) {
    int shift = 28;
    while (shift > 0 && (value >>> shift) == 0) {
      shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
      out.writeByte(DIGITS[(value >>> shift) & 0xf]);
    }
  }
}
