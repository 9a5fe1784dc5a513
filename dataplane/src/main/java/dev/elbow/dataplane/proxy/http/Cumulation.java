package dev.elbow.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The bytes of one direction that arrived but are not forwarded yet: usually the buffer of the last
 * read itself, copied into a bigger one only when a head arrives in pieces.
 */
final class Cumulation {

  private Cumulation() {}

  /** The pending bytes followed by {@code data}, which this takes over. */
  static ByteBuf append(ByteBufAllocator alloc, ByteBuf pending, ByteBuf data) {
    if (pending == null || !pending.isReadable()) {
      if (pending != null) {
        pending.release();
      }
      return data;
    }
    // Slices of the pending buffer may still be on their way out, so it is only written into
    // when nobody else holds it.
    if (pending.refCnt() == 1
        && pending.writableBytes() >= data.readableBytes()
        && !pending.isReadOnly()) {
      pending.writeBytes(data);
      data.release();
      return pending;
    }
    ByteBuf merged = alloc.buffer(pending.readableBytes() + data.readableBytes());
    merged.writeBytes(pending).writeBytes(data);
    pending.release();
    data.release();
    return merged;
  }

  /** Null once everything is forwarded, releasing the buffer; else the buffer. */
  static ByteBuf releaseIfEmpty(ByteBuf pending) {
    if (pending != null && !pending.isReadable()) {
      pending.release();
      return null;
    }
    return pending;
  }

  /** Drops whatever is pending. */
  static ByteBuf release(ByteBuf pending) {
    if (pending != null) {
      pending.release();
    }
    return null;
  }
}
