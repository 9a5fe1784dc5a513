package dev.elbow.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket load generator of {@code bench/run.sh} (Debian has none): one thread, a number of
 * connections that each upgrade, then send a binary message and send the next as soon as its echo
 * is back, for a given time. It never retries: a failed upgrade, a connection that ends early, an
 * echo of the wrong length or any exception counts as an error. It prints messages/s (echoes
 * received over the measured time, which starts once every connection is upgraded) and errors.
 *
 * <p>usage: WebSocketLoad PORT CONNECTIONS SECONDS MESSAGE_BYTES
 */
public final class WebSocketLoad {

  private final AtomicLong echoes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final byte[] message;
  private volatile boolean running = true;

  private WebSocketLoad(int bytes) {
    message = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      message[i] = (byte) ('a' + i % 26);
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int connections = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    WebSocketLoad load = new WebSocketLoad(Integer.parseInt(args[3]));
    EventLoopGroup loop = new NioEventLoopGroup(1);
    try {
      load.run(loop, URI.create("ws://127.0.0.1:" + port + "/"), connections, seconds);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private void run(EventLoopGroup loop, URI uri, int connections, int seconds)
      throws InterruptedException {
    CountDownLatch upgraded = new CountDownLatch(connections);
    List<Channel> channels = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      channels.add(connect(loop, uri, upgraded));
    }
    if (!upgraded.await(10, TimeUnit.SECONDS)) {
      errors.addAndGet(upgraded.getCount()); // upgrades that never finished
    }
    long startEchoes = echoes.get();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long measured = echoes.get() - startEchoes;
    double elapsed = (System.nanoTime() - start) / 1e9;
    running = false;
    for (Channel channel : channels) {
      channel.close();
    }
    System.out.printf("messages/s: %.1f%n", measured / elapsed);
    System.out.printf("errors: %d%n", errors.get());
    System.out.printf("connections: %d%n", connections);
  }

  private Channel connect(EventLoopGroup loop, URI uri, CountDownLatch upgraded) {
    return new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel channel) {
                channel
                    .pipeline()
                    .addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(65_536),
                        new WebSocketClientProtocolHandler(
                            WebSocketClientHandshakerFactory.newHandshaker(
                                uri, WebSocketVersion.V13, null, false, new DefaultHttpHeaders())),
                        new PingPong(upgraded));
              }
            })
        .connect(uri.getHost(), uri.getPort())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                errors.incrementAndGet();
                upgraded.countDown();
              }
            })
        .channel();
  }

  /** One message in flight: the next goes out when the echo of the last is back. */
  private final class PingPong extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final CountDownLatch upgraded;
    private boolean open;
    private boolean failed;

    PingPong(CountDownLatch upgraded) {
      this.upgraded = upgraded;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        open = true;
        upgraded.countDown();
        send(ctx);
      } else if (event
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        fail(ctx);
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (!(frame instanceof BinaryWebSocketFrame)
          || frame.content().readableBytes() != message.length) {
        fail(ctx);
        return;
      }
      echoes.incrementAndGet();
      send(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
      if (running) {
        ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(ctx); // ended before the run did, unless the run is over
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(ctx);
    }

    /** Counts one error per connection, whatever else follows from it, and closes it. */
    private void fail(ChannelHandlerContext ctx) {
      if (running && !failed) {
        failed = true;
        errors.incrementAndGet();
        if (!open) {
          upgraded.countDown();
        }
      }
      ctx.close();
    }
  }
}
