package dev.elbow.dataplane.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small backend server for demos and tests, in two flavours (HTTP also over TLS).
 *
 * <ul>
 *   <li>HTTP: answers every request with its name as the body and {@code x-backend: NAME}; echoes
 *       the body of requests that have one; echoes the X-Forwarded-* headers it received as {@code
 *       x-seen-forwarded-for/proto/port} (several lines joined by " | ") and the Host header as
 *       {@code x-seen-host}. {@code /status/NNN} answers with that status; {@code /login} sets an
 *       application session cookie, {@code JSESSIONID=NAME-N}, as a Java web application would;
 *       {@code /slow/MS} answers after MS milliseconds.
 *   <li>TCP: answers each line with {@code NAME: line}.
 * </ul>
 *
 * It can be stopped and started again on the same port, which is how tests take a member down.
 */
public final class DemoBackend implements AutoCloseable {

  private static final EventLoopGroup LOOPS =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  private final String name;
  private final boolean http;
  private final int port;
  private final SslContext tls;
  private final AtomicInteger requests = new AtomicInteger();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile Channel server;
  private volatile int healthStatus = 200;

  private final String bindAddress;

  private DemoBackend(String name, boolean http, String bindAddress, int port, SslContext tls) {
    this.name = name;
    this.http = http;
    this.bindAddress = bindAddress;
    this.port = port;
    this.tls = tls;
  }

  private DemoBackend(String name, boolean http, int port, SslContext tls) {
    this(name, http, "127.0.0.1", port, tls);
  }

  /**
   * Starts an HTTP backend on this local address (one an EndpointSlice may name: not loopback);
   * port 0 picks a free port.
   */
  public static DemoBackend http(String name, String bindAddress, int port) {
    DemoBackend backend = new DemoBackend(name, true, bindAddress, port, null);
    backend.start();
    return backend;
  }

  /** Starts an HTTP backend on 127.0.0.1; port 0 picks a free port. */
  public static DemoBackend http(String name, int port) {
    DemoBackend backend = new DemoBackend(name, true, port, null);
    backend.start();
    return backend;
  }

  /** Starts an HTTPS backend on 127.0.0.1 with this server TLS context; port 0 picks one. */
  public static DemoBackend https(String name, int port, SslContext tls) {
    DemoBackend backend = new DemoBackend(name, true, port, tls);
    backend.start();
    return backend;
  }

  /** Starts a line-answering TCP backend on 127.0.0.1; port 0 picks a free port. */
  public static DemoBackend tcp(String name, int port) {
    DemoBackend backend = new DemoBackend(name, false, port, null);
    backend.start();
    return backend;
  }

  /** Starts the stopped backend again, on the port it had. */
  public synchronized void start() {
    int bindPort = server == null ? port : port();
    server =
        new ServerBootstrap()
            .group(LOOPS)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    if (http) {
                      ch.pipeline()
                          .addLast(
                              new HttpServerCodec(),
                              new HttpObjectAggregator(16 << 20),
                              new HttpAnswer());
                    } else {
                      ch.pipeline().addLast(new LineBasedFrameDecoder(64 * 1024), new LineAnswer());
                    }
                  }
                })
            .bind(new InetSocketAddress(bindAddress, bindPort))
            .syncUninterruptibly()
            .channel();
    boundPort = ((InetSocketAddress) server.localAddress()).getPort();
  }

  private volatile int boundPort;

  /** Closes the listening socket and every open connection, like a process that exits. */
  public synchronized void stop() {
    server.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
  }

  public int port() {
    return boundPort;
  }

  public String name() {
    return name;
  }

  /** Requests (HTTP) or lines (TCP) answered so far, health checks excluded. */
  public int served() {
    return requests.get();
  }

  /** Makes {@code /healthz} answer with this status from now on. */
  public void healthStatus(int status) {
    this.healthStatus = status;
  }

  @Override
  public void close() {
    stop();
  }

  private final class HttpAnswer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = request.uri();
      HttpResponseStatus status = HttpResponseStatus.OK;
      ByteBuf body;
      if (path.equals("/healthz")) {
        status = HttpResponseStatus.valueOf(healthStatus);
        body = Unpooled.copiedBuffer("health of " + name + "\n", StandardCharsets.UTF_8);
      } else {
        requests.incrementAndGet();
        if (path.startsWith("/status/")) {
          status = HttpResponseStatus.valueOf(Integer.parseInt(path.substring(8)));
        }
        body =
            request.content().isReadable()
                ? request.content().retainedDuplicate()
                : Unpooled.copiedBuffer(name + "\n", StandardCharsets.UTF_8);
      }
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      response
          .headers()
          .set("x-backend", name)
          .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      for (String header : new String[] {"for", "proto", "port"}) {
        List<String> seen = request.headers().getAll("x-forwarded-" + header);
        if (!seen.isEmpty()) {
          response.headers().set("x-seen-forwarded-" + header, String.join(" | ", seen));
        }
      }
      response
          .headers()
          .set("x-seen-host", String.valueOf(request.headers().get(HttpHeaderNames.HOST)));
      if (path.equals("/login")) {
        response
            .headers()
            .add(
                HttpHeaderNames.SET_COOKIE,
                "JSESSIONID=" + name + "-" + requests.get() + "; Path=/");
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      Runnable answer =
          () -> {
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
              written.addListener(ChannelFutureListener.CLOSE);
            }
          };
      if (path.startsWith("/slow/")) {
        // A request that takes this long: in flight meanwhile, without holding the event loop.
        ctx.executor().schedule(answer, Long.parseLong(path.substring(6)), TimeUnit.MILLISECONDS);
      } else {
        answer.run();
      }
    }
  }

  private final class LineAnswer extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // health checks reset their connections; that is no news
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
      requests.incrementAndGet();
      ctx.writeAndFlush(
          Unpooled.copiedBuffer(
              name + ": " + line.toString(StandardCharsets.UTF_8) + "\n", StandardCharsets.UTF_8));
    }
  }
}
