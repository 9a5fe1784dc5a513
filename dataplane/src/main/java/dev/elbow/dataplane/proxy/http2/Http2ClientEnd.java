package dev.elbow.dataplane.proxy.http2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamFrame;

/** The client's end of an exchange that is one stream of an HTTP/2 connection. */
final class Http2ClientEnd implements ClientEnd {

  private final ChannelHandlerContext stream;

  Http2ClientEnd(ChannelHandlerContext stream) {
    this.stream = stream;
  }

  @Override
  public String protocol() {
    return "HTTP/2";
  }

  @Override
  public Channel connection() {
    return stream.channel().parent();
  }

  @Override
  public void send(Http2StreamFrame frame) {
    stream.write(frame, stream.voidPromise());
  }

  /** NO_ERROR: the client may stop sending; the response stands (RFC 9113 8.1). */
  @Override
  public void refuseRest() {
    stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
  }

  @Override
  public void cut() {
    stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
  }

  @Override
  public void exchangeOver(StreamExchange exchange) {}
}
