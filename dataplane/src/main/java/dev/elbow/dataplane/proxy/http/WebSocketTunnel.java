package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.proxy.Deadline;
import dev.elbow.dataplane.proxy.tcp.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * A client connection and a member connection joined after a WebSocket upgrade (RFC 6455): the HTTP
 * handlers step aside and the bytes flow both ways as the TCP proxy relays them, with its
 * backpressure, until either side closes or nothing moves either way for the listener's TCP idle
 * timeout (HAProxy's {@code timeout tunnel}). The member connection is never pooled again; it stays
 * tracked for its member, so a deregistration's delay still ends it.
 */
final class WebSocketTunnel {

  private WebSocketTunnel() {}

  /**
   * Joins the two connections; the HTTP handler at {@code client} leaves the pipeline.
   *
   * @param fromClient bytes the client sent after its request head, or null
   * @param fromMember bytes the member sent after its 101, or null
   */
  static void join(
      ChannelHandlerContext client,
      Channel member,
      int idleSeconds,
      ByteBuf fromClient,
      ByteBuf fromMember) {
    Channel clientChannel = client.channel();
    Deadline idle = new Deadline(clientChannel.eventLoop(), clientChannel::close);
    idle.start(idleSeconds);
    client.pipeline().addLast(new Relay(member, null, idle));
    member.pipeline().addLast(new Relay(clientChannel, null, idle));
    client.pipeline().remove(client.handler());
    if (fromMember != null) {
      clientChannel.write(fromMember, clientChannel.voidPromise());
    }
    if (fromClient != null) {
      member.write(fromClient, member.voidPromise());
    }
    clientChannel.flush();
    member.flush();
    if (!member.isActive()) {
      clientChannel.close();
      return;
    }
    clientChannel.read();
    member.read();
  }
}
