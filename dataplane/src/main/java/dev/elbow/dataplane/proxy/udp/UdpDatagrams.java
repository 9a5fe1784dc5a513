package dev.elbow.dataplane.proxy.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * The largest datagram the UDP proxy forwards, either way. A datagram socket receives into a buffer
 * of a fixed size and the kernel silently cuts what does not fit (Netty's default buffer is 2,048
 * bytes, which would cut a DNS answer with EDNS). The buffer here is one byte larger than the
 * largest datagram forwarded, so a datagram that filled it was cut, and is dropped and counted
 * rather than forwarded short.
 *
 * <p>16 KiB covers jumbo frames (9,000 bytes), DNS with EDNS (4,096) and QUIC (at most the path
 * MTU, 1,500 on most paths), while a read takes a buffer the pooled allocators serve from their
 * caches.
 */
public final class UdpDatagrams {

  /** The largest payload forwarded. */
  public static final int MAX_PAYLOAD = 16 * 1024;

  /** The receive buffer of every UDP socket of the proxy, listener and flow sides. */
  public static final RecvByteBufAllocator RECEIVE = new FixedRecvByteBufAllocator(MAX_PAYLOAD + 1);

  private UdpDatagrams() {}

  /** Whether the datagram filled the receive buffer, so it was larger and has been cut. */
  static boolean oversized(ByteBuf payload) {
    return payload.readableBytes() > MAX_PAYLOAD;
  }
}
