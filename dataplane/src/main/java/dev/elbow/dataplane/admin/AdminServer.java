package dev.elbow.dataplane.admin;

import dev.elbow.dataplane.DataPlane;
import dev.elbow.dataplane.DataPlaneOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admin API, on its own port and its own event loop so that reading a large snapshot or
 * answering status watchers never delays proxied traffic.
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the process runs (no token; the liveness probe)
 *   <li>{@code GET /readyz}: 200 {@code ready} once a snapshot is applied, 503 {@code no snapshot
 *       applied yet} before (no token; the readiness probe)
 *   <li>{@code GET /metrics}: Prometheus metrics (token required)
 *   <li>{@code PUT /v1/snapshot}: apply a snapshot; 200, 400, 401, 409 or 422 with an {@code
 *       ApplyResult}
 *   <li>{@code GET /v1/status?after=R&instance=I&waitSeconds=S}: the {@code DataPlaneStatus}; with
 *       {@code after}, waits up to S seconds (at most 60) until the revision passes R, unless I
 *       names another instance (the caller saw this data plane before a restart)
 * </ul>
 */
public final class AdminServer implements AutoCloseable {

  /** A snapshot of 100,000 members is a few megabytes; this leaves ample room. */
  static final int MAX_BODY_BYTES = 256 * 1024 * 1024;

  private final DataPlane dataPlane;
  private final DataPlaneOptions options;
  private final EventLoopGroup loop;
  private final StatusWatchers watchers;
  // Closed explicitly on close: an event loop that shuts down leaves its channels open.
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel server;

  public AdminServer(DataPlane dataPlane, DataPlaneOptions options) {
    this.dataPlane = dataPlane;
    this.options = options;
    this.loop = options.transport().newEventLoopGroup(1, "elbow-admin");
    this.watchers = new StatusWatchers(dataPlane, loop.next());
    dataPlane.onChange(watchers::wakeUp);
  }

  /** Binds the admin port; fails if it is taken. */
  public void start() {
    server =
        new ServerBootstrap()
            .group(loop)
            .channel(options.transport().serverChannelType())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new AdminAuthorization(options.adminToken()),
                            new HttpObjectAggregator(MAX_BODY_BYTES),
                            new FlowControlHandler(),
                            new AdminHandler(dataPlane, watchers));
                  }
                })
            .bind(new InetSocketAddress(options.adminAddress(), options.adminPort()))
            .syncUninterruptibly()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    connections.close().awaitUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
