package dev.elbow.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * Who a client connection is from and to: the socket's own addresses, or those a trusted upstream
 * load balancer's PROXY protocol header gave ({@link ProxyHeaderReader}). Everything that needs the
 * client's address (source-IP stickiness and hashing, X-Forwarded-For, the access log, the PROXY
 * header sent on to a member) asks here.
 */
public final class ClientAddress {

  private static final AttributeKey<InetSocketAddress> SOURCE =
      AttributeKey.valueOf("elbow.proxy-protocol.source");
  private static final AttributeKey<InetSocketAddress> DESTINATION =
      AttributeKey.valueOf("elbow.proxy-protocol.destination");

  private ClientAddress() {}

  /** The client's address and port. */
  public static InetSocketAddress of(Channel client) {
    InetSocketAddress told = client.attr(SOURCE).get();
    return told != null ? told : (InetSocketAddress) client.remoteAddress();
  }

  /** The address and port the client connected to. */
  public static InetSocketAddress destination(Channel client) {
    InetSocketAddress told = client.attr(DESTINATION).get();
    return told != null ? told : (InetSocketAddress) client.localAddress();
  }

  static void told(Channel client, InetSocketAddress source, InetSocketAddress destination) {
    client.attr(SOURCE).set(source);
    client.attr(DESTINATION).set(destination);
  }
}
