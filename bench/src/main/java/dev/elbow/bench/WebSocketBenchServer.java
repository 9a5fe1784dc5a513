package dev.elbow.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The WebSocket member of {@code bench/run.sh}: Netty on 127.0.0.1, one thread, that accepts the
 * upgrade on any path and sends every text or binary message back as it came.
 *
 * <p>usage: WebSocketBenchServer PORT
 */
public final class WebSocketBenchServer {

  private WebSocketBenchServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    EventLoopGroup loop = new NioEventLoopGroup(1);
    new ServerBootstrap()
        .group(loop)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel channel) {
                channel
                    .pipeline()
                    .addLast(
                        new HttpServerCodec(),
                        new HttpObjectAggregator(65_536),
                        new WebSocketServerProtocolHandler("/", null, false, 65_536, false, true),
                        new Echo());
              }
            })
        .bind("127.0.0.1", port)
        .sync()
        .channel()
        .closeFuture()
        .sync();
  }

  /** Sends each data message back; pings, pongs and closes are the protocol handler's. */
  private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
    Echo() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) {
        ctx.writeAndFlush(frame);
      } else {
        frame.release();
      }
    }
  }
}
