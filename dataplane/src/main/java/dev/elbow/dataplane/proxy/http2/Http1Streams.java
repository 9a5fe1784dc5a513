package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.DrainRequested;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.routing.RouteTarget;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * HTTP/1.1 clients of a group whose members speak HTTP/2: the connection leaves the HTTP/1 byte
 * proxy for Netty's HTTP codec, and each request becomes a {@link StreamExchange} on a stream of a
 * pooled HTTP/2 member connection, one request at a time (a pipelined request waits for the one
 * before it). Responses without a length are sent chunked, so trailers reach HTTP/1.1 clients too;
 * the connection stays open between requests for the listener's keep-alive time.
 */
public final class Http1Streams extends ChannelInboundHandlerAdapter {

  private static final int MAX_INITIAL_LINE = 8 * 1024;
  private static final int MAX_HEAD = 64 * 1024;

  private final StreamListener listener;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>(2);
  private ChannelHandlerContext ctx;
  private StreamExchange current;
  private boolean keepAlive;
  private boolean draining;
  private Deadline idle;

  // The target the HTTP/1.1 frontend chose for the first request (a weighted pick must not be
  // made twice), or null once that request has its exchange.
  private RouteTarget firstTarget;

  private Http1Streams(StreamListener listener, RouteTarget firstTarget) {
    this.listener = listener;
    this.firstTarget = firstTarget;
  }

  /**
   * Takes over an HTTP/1.1 client connection from the handler at {@code from}, which leaves the
   * pipeline; {@code bytes} (the request head it read, and whatever followed) are read again.
   */
  public static void takeOver(
      ChannelHandlerContext from,
      ByteBuf bytes,
      ProxyContext proxy,
      int port,
      ListenerTimeouts timeouts,
      ListenerMetrics metrics,
      boolean secure,
      RouteTarget firstTarget) {
    StreamListener listener = new StreamListener(proxy, port, timeouts, metrics, secure);
    from.pipeline()
        .addAfter(
            from.name(),
            null,
            new HttpServerCodec(
                new HttpDecoderConfig()
                    .setMaxInitialLineLength(MAX_INITIAL_LINE)
                    .setMaxHeaderSize(MAX_HEAD)));
    from.pipeline().addLast(new Http1Streams(listener, firstTarget));
    from.fireChannelRead(bytes);
    from.fireChannelReadComplete();
    from.pipeline().remove(from.handler());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    idle = new Deadline(ctx.executor(), ctx::close);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (current != null && current.requestEnded()) {
      waiting.add(msg); // a pipelined request: after the response before it
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (current == null) {
      if (!(msg instanceof HttpRequest request)) {
        ReferenceCountUtil.release(msg); // body left over from a request answered early
        return;
      }
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        keepAlive = false;
        FullHttpResponse refused = StreamErrors.answer(400, "malformed request", false);
        frame(refused);
        ctx.writeAndFlush(refused).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      idle.stop();
      keepAlive =
          !draining
              && listener.timeouts().httpKeepAliveSeconds() > 0
              && HttpUtil.isKeepAlive(request)
              && request.decoderResult().isSuccess();
      current = new StreamExchange(listener, this, firstTarget);
      firstTarget = null;
      current.handlerAdded(ctx);
    }
    current.channelRead(ctx, msg);
  }

  /** Frames a response for an HTTP/1.1 client: a length or chunks, and whether it stays open. */
  void frame(HttpResponse response) {
    int code = response.status().code();
    if (!(response instanceof FullHttpResponse)
        && !HttpUtil.isContentLengthSet(response)
        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL
        && code != 204
        && code != 304) {
      HttpUtil.setTransferEncodingChunked(response, true);
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  /** The response went out whole (or the exchange ended otherwise): the next request, or close. */
  void exchangeOver(StreamExchange exchange) {
    if (exchange != current) {
      return;
    }
    if (!keepAlive || !exchange.requestEnded()) {
      closeAfterResponse();
      return;
    }
    current = null;
    Object msg;
    while (current == null && (msg = waiting.poll()) != null) {
      dispatch(msg);
    }
    if (current == null) {
      idle.start(listener.timeouts().httpKeepAliveSeconds());
      ctx.read();
    } else {
      // The waiting messages went to the new exchange; later ones wait for it in turn.
      ArrayDeque<Object> rest = new ArrayDeque<>(waiting);
      waiting.clear();
      rest.forEach(this::channelReadAgain);
    }
  }

  private void channelReadAgain(Object msg) {
    channelRead(ctx, msg);
  }

  /** Closes the connection once what was written is out. */
  void closeAfterResponse() {
    keepAlive = false;
    releaseWaiting();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.channelWritabilityChanged(ctx); // passes the event on
    } else {
      ctx.fireChannelWritabilityChanged();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event != DrainRequested.INSTANCE) {
      ctx.fireUserEventTriggered(event);
      return;
    }
    draining = true;
    keepAlive = false;
    if (current == null) {
      ctx.close(); // idle between requests: nothing is cut
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    idle.stop();
    releaseWaiting();
    if (current != null) {
      StreamExchange exchange = current;
      current = null;
      exchange.channelInactive(ctx); // passes the event on
    } else {
      ctx.fireChannelInactive();
    }
  }

  private void releaseWaiting() {
    Object msg;
    while ((msg = waiting.poll()) != null) {
      if (msg instanceof HttpContent || msg instanceof HttpRequest) {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
