package dev.elbow.dataplane.proxy.udp;

import dev.elbow.dataplane.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;

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

  /**
   * Datagrams a listener socket takes in one system call (recvmmsg, epoll only), each into its own
   * slot of {@link #MAX_PAYLOAD} + 1 bytes of one buffer: at full load the per-datagram system call
   * was what kept the proxy behind NGINX's stream module.
   */
  static final int READ_BATCH = 8;

  private UdpDatagrams() {}

  /**
   * Makes a listener socket read datagrams in batches where the transport can (epoll); elsewhere it
   * reads one per call as before. A datagram that fills its slot was cut, as with single reads.
   */
  public static void readInBatches(Bootstrap bootstrap, Transport transport) {
    if (transport.datagramChannelType() == EpollDatagramChannel.class) {
      bootstrap
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_PAYLOAD + 1)
          .option(
              ChannelOption.RCVBUF_ALLOCATOR,
              new FixedRecvByteBufAllocator((MAX_PAYLOAD + 1) * READ_BATCH));
    }
  }

  /** Whether the datagram filled the receive buffer, so it was larger and has been cut. */
  static boolean oversized(ByteBuf payload) {
    return payload.readableBytes() > MAX_PAYLOAD;
  }
}
