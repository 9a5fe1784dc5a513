package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.Deadline;
import dev.elbow.dataplane.proxy.DrainRequested;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.routing.RouteTarget;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpScheme;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * HTTP/1.1 clients of a group whose members speak HTTP/2: the connection leaves the HTTP/1 byte
 * proxy for Netty's HTTP codec, and each request becomes a {@link StreamExchange} on a stream of a
 * pooled HTTP/2 member connection, one request at a time (a pipelined request waits for the one
 * before it). Requests become HTTP/2 frames here and responses come back from frames, so the
 * exchange is written once, in HTTP/2's shape. Responses without a length are sent chunked, so
 * trailers reach HTTP/1.1 clients too; the connection stays open between requests for the
 * listener's keep-alive time.
 */
public final class Http1Streams extends ChannelInboundHandlerAdapter implements ClientEnd {

  private static final int MAX_INITIAL_LINE = 8 * 1024;
  private static final int MAX_HEAD = 64 * 1024;

  // Response heads are copied from HTTP/2 header lists the codec already validated.
  private static final HttpHeadersFactory RESPONSE_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private final StreamListener listener;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>(2);
  private ChannelHandlerContext ctx;
  private StreamExchange current;
  private boolean keepAlive;
  private boolean draining;
  private boolean headRequest;
  private boolean responseStarted;
  // The request's head said it has no body: the codec's empty last piece after it is dropped.
  private boolean dropEmptyLast;
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
    if (dropEmptyLast && msg instanceof HttpContent content) {
      dropEmptyLast = !(msg instanceof LastHttpContent);
      content.release();
      return;
    }
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
        refuse(request);
        return;
      }
      // The conversion takes :scheme from here (an origin-form target names none).
      request
          .headers()
          .set(
              HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
              listener.secure() ? HttpScheme.HTTPS.name() : HttpScheme.HTTP.name());
      Http2Headers head;
      try {
        head = HttpConversionUtil.toHttp2Headers(request, false);
      } catch (IllegalArgumentException e) {
        refuse(request); // an absolute-form target the HTTP/1 decoder let through, but no URI
        return;
      }
      idle.stop();
      keepAlive =
          !draining
              && listener.timeouts().httpKeepAliveSeconds() > 0
              && HttpUtil.isKeepAlive(request)
              && request.decoderResult().isSuccess();
      headRequest = HttpMethod.HEAD.equals(request.method());
      responseStarted = false;
      current = new StreamExchange(listener, this, firstTarget);
      firstTarget = null;
      boolean bodiless =
          !HttpUtil.isTransferEncodingChunked(request)
              && HttpUtil.getContentLength(request, 0L) == 0;
      dropEmptyLast = bodiless;
      current.frame(new DefaultHttp2HeadersFrame(head, bodiless));
      return;
    }
    if (!(msg instanceof HttpContent content)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (content.decoderResult().isFailure()) {
      // A body that broke its chunked framing: the member must not take it as all there was.
      content.release();
      ctx.close();
      return;
    }
    if (!(msg instanceof LastHttpContent last)) {
      current.frame(new DefaultHttp2DataFrame(content.content(), false));
    } else if (last.trailingHeaders().isEmpty()) {
      current.frame(new DefaultHttp2DataFrame(last.content(), true));
    } else {
      // The body's trailers: their own HEADERS frame, after what data came with them.
      StreamExchange exchange = current;
      Http2Headers trailers = HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), false);
      if (last.content().isReadable()) {
        exchange.frame(new DefaultHttp2DataFrame(last.content(), false));
      } else {
        last.release();
      }
      exchange.frame(new DefaultHttp2HeadersFrame(trailers, true));
    }
  }

  /** Answers a request that cannot be proxied with 400, and closes the connection. */
  private void refuse(HttpRequest request) {
    ReferenceCountUtil.release(request);
    keepAlive = false;
    StreamErrors.Answer refused = StreamErrors.answer(400, "malformed request", false);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.BAD_REQUEST,
            refused.body(),
            copy(refused.headers(), RESPONSE_HEADERS.newHeaders()),
            RESPONSE_HEADERS.newEmptyHeaders());
    frame(response);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public String protocol() {
    return "HTTP/1.1";
  }

  @Override
  public Channel connection() {
    return ctx.channel();
  }

  /** The rest of the request body would be read as the next request: the connection closes. */
  @Override
  public void refuseRest() {
    closeAfterResponse();
  }

  /** An HTTP/1.1 response cut short: the close tells the client. */
  @Override
  public void cut() {
    ctx.close();
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  /** The exchange took the body so far: the connection is read again. */
  @Override
  public void read() {
    ctx.read();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  /** A frame of the exchange's response, written to the client as HTTP/1.1. */
  @Override
  public void send(Http2StreamFrame frame) {
    Object out;
    if (frame instanceof Http2DataFrame data) {
      out =
          data.isEndStream()
              ? new DefaultLastHttpContent(data.content())
              : new DefaultHttpContent(data.content());
    } else if (responseStarted) {
      LastHttpContent last = new DefaultLastHttpContent();
      copy(((Http2HeadersFrame) frame).headers(), last.trailingHeaders());
      out = last;
    } else {
      Http2HeadersFrame head = (Http2HeadersFrame) frame;
      HttpResponseStatus status = HttpResponseStatus.valueOf(StreamHeaders.status(head.headers()));
      HttpHeaders headers = copy(head.headers(), RESPONSE_HEADERS.newHeaders());
      if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
        // 100 Continue and the like: a head alone, neither framed nor the response's start.
        ctx.write(
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                status,
                Unpooled.EMPTY_BUFFER,
                headers,
                RESPONSE_HEADERS.newEmptyHeaders()),
            ctx.voidPromise());
        return;
      }
      responseStarted = true;
      HttpResponse response =
          head.isEndStream()
              ? new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1,
                  status,
                  Unpooled.EMPTY_BUFFER,
                  headers,
                  RESPONSE_HEADERS.newEmptyHeaders())
              : new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers);
      if (head.isEndStream()
          && !headRequest
          && bodyAllowed(status.code())
          && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        // No body and no length: without one, the client would read until the close.
        headers.add(HttpHeaderNames.CONTENT_LENGTH, 0);
      }
      frame(response);
      out = response;
    }
    ctx.write(out, ctx.voidPromise());
  }

  private static boolean bodyAllowed(int code) {
    return code >= 200 && code != 204 && code != 304;
  }

  /** The HTTP/2 fields (pseudo-headers aside) into HTTP/1.1 headers. */
  private static HttpHeaders copy(Http2Headers from, HttpHeaders to) {
    for (Map.Entry<CharSequence, CharSequence> field : from) {
      CharSequence name = field.getKey();
      if (name.length() == 0 || name.charAt(0) != ':') {
        to.add(name, field.getValue());
      }
    }
    return to;
  }

  /** Frames a response for an HTTP/1.1 client: a length or chunks, and whether it stays open. */
  private void frame(HttpResponse response) {
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
  @Override
  public void exchangeOver(StreamExchange exchange) {
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
      current.clientWritable();
    }
    ctx.fireChannelWritabilityChanged();
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
      exchange.clientClosed();
    }
    ctx.fireChannelInactive();
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
