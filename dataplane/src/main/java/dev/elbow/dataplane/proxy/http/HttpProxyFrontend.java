package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies the HTTP/1.1 requests of one client connection, one exchange at a time.
 *
 * <p>For each request it picks a member, takes a keep-alive connection to it ({@link
 * BackendConnections}), and streams the request there and the response back, chunk by chunk:
 * nothing is aggregated. Both channels have auto-read off and the {@code FlowControlHandler} in
 * front of this handler hands over one message per read, so each side reads only while the other
 * side is writable, and pipelined requests wait their turn. Anything malformed on either side ends
 * the exchange with an error response or a close, and never goes back into the pool.
 */
public final class HttpProxyFrontend extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(HttpProxyFrontend.class);

  private final ProxyContext proxy;
  private final int port;
  private final HeadDeadline headDeadline;
  private ChannelHandlerContext ctx;

  // The exchange in progress. Every field is touched only on this connection's event loop, which
  // is also the event loop of its backend connections.
  private HttpRequest request;
  private HttpVersion clientVersion;
  private GroupRuntime group;
  private Member member;
  private Channel backend;
  private boolean requestHasBody;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean responseDone;
  private boolean informational;
  private boolean clientKeepAlive;
  private boolean backendKeepAlive;
  private boolean retried;
  private boolean waitingForBackendWritable;
  private boolean waitingForClientWritable;
  private boolean clientReadPending;

  public HttpProxyFrontend(ProxyContext proxy, int port) {
    this.proxy = proxy;
    this.port = port;
    this.headDeadline = new HeadDeadline(proxy.httpIdleSeconds());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    headDeadline.start(ctx);
    readClient();
  }

  /** Asks for the next message from the client: the next request, or more of its body. */
  private void readClient() {
    clientReadPending = true;
    ctx.read();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (backend != null && !requestDone) {
      backend.flush(); // body chunks are written as they come and flushed once per read
    }
    // A read may end with no message at all (the flow-control handler counts a read cycle as an
    // answer); ask again, or the connection would stall.
    if (clientReadPending) {
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    clientReadPending = false;
    if (msg instanceof HttpRequest head) {
      onRequestHead(head);
    }
    if (msg instanceof HttpContent content) {
      onRequestContent(content);
    }
  }

  private void onRequestHead(HttpRequest head) {
    headDeadline.headArrived();
    request = head;
    clientVersion = head.protocolVersion();
    requestDone = false;
    responseStarted = false;
    responseDone = false;
    informational = false;
    retried = false;
    if (head.decoderResult().isFailure()) {
      requestHasBody = true; // nothing after a malformed head can be trusted: answer and close
      clientKeepAlive = false;
      respondWithError(HttpResponseStatus.BAD_REQUEST, "malformed request");
      return;
    }
    clientKeepAlive = HttpUtil.isKeepAlive(head);
    requestHasBody =
        HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
    if (HttpMethod.CONNECT.equals(head.method())) {
      // A tunnel would hand a pooled backend connection over to raw bytes.
      respondWithError(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not supported");
      return;
    }
    ListenerRoute route = proxy.routes().get().route(port);
    if (route == null) {
      clientKeepAlive = false;
      respondWithError(HttpResponseStatus.SERVICE_UNAVAILABLE, "this listener was removed");
      return;
    }
    group = route.group();
    Member chosen = group.pick();
    if (chosen == null) {
      respondWithError(
          HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy member in group " + group.name());
      return;
    }
    HopByHopHeaders.strip(head.headers());
    ForwardedHeaders.apply(head.headers(), ctx.channel().remoteAddress(), "http", port);
    if (!head.headers().contains(HttpHeaderNames.HOST)) {
      // An HTTP/1.0 client may send none; HTTP/1.1, which the member gets, requires one.
      InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
      head.headers().set(HttpHeaderNames.HOST, NetUtil.toSocketAddressString(local));
    }
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    sendTo(chosen, false, false);
  }

  /**
   * Sends the request head to the member over a pooled or a new connection.
   *
   * @param replay true when retrying a body-less request whose end was already read
   * @param fresh true to skip the pool (the retry after a pooled connection failed)
   */
  private void sendTo(Member chosen, boolean replay, boolean fresh) {
    member = chosen;
    BackendConnections.acquire(
        proxy,
        ctx.channel().eventLoop(),
        group,
        chosen,
        fresh,
        new BackendConnector.Callback() {
          @Override
          public void connected(Channel channel, Member connectedTo) {
            member = connectedTo;
            if (!ctx.channel().isActive()) {
              BackendConnections.release(connectedTo, channel, false);
              return;
            }
            startExchange(channel, replay);
          }

          @Override
          public void failed(Member lastTried, Throwable cause) {
            log.debug("{}: cannot reach {}: {}", group.name(), lastTried, cause.toString());
            respondWithError(
                HttpResponseStatus.BAD_GATEWAY,
                "no member of group " + group.name() + " accepted a connection");
          }
        });
  }

  private void startExchange(Channel channel, boolean replay) {
    backend = channel;
    channel.pipeline().get(HttpBackendHandler.class).attach(this);
    channel.read(); // a response may start before the request body ends
    channel.write(request, channel.voidPromise());
    if (replay) {
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
      return;
    }
    // The body, or just its end for a body-less request, is usually queued already: reading it
    // now lets head and end go out in one write.
    readClientWhenBackendWritable();
    if (backend == channel && !requestDone) {
      channel.flush(); // the body is still coming: send the head meanwhile
    }
  }

  private void onRequestContent(HttpContent content) {
    if (backend == null || requestDone) {
      // The exchange was answered without the member (an error): drop the rest of the request
      // and read on, to the next request or to the close that the error response asked for.
      ReferenceCountUtil.release(content);
      readClient();
      return;
    }
    if (content.decoderResult().isFailure()) {
      // A broken body must not reach the member as if it had ended well.
      ReferenceCountUtil.release(content);
      abandonBackend();
      requestHasBody = true;
      clientKeepAlive = false;
      if (responseStarted) {
        ctx.close();
      } else {
        respondWithError(HttpResponseStatus.BAD_REQUEST, "malformed request body");
      }
      return;
    }
    if (content instanceof LastHttpContent) {
      requestDone = true;
      backend.writeAndFlush(content, backend.voidPromise());
      if (responseDone) {
        finishExchange();
      }
    } else {
      backend.write(content, backend.voidPromise());
      readClientWhenBackendWritable();
    }
  }

  private void readClientWhenBackendWritable() {
    if (backend.isWritable()) {
      readClient();
      return;
    }
    // Wait first, then flush: the flush may drain the buffer at once and report the backend
    // writable again from inside this call.
    waitingForBackendWritable = true;
    backend.flush();
  }

  void onBackendWritable() {
    if (waitingForBackendWritable) {
      waitingForBackendWritable = false;
      readClient();
    }
  }

  void onResponseHead(HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200) {
      if (code == 101) {
        // The request's Upgrade header was removed, so this member breaks the protocol.
        ReferenceCountUtil.release(response);
        onBackendFailed(backend, "switched protocols unasked");
        return;
      }
      informational = true; // 100 Continue and the like: the real response follows
      if (!clientVersion.equals(HttpVersion.HTTP_1_0)) {
        ctx.write(response); // HTTP/1.0 clients must not get them
      }
      return;
    }
    responseStarted = true;
    backendKeepAlive = HttpUtil.isKeepAlive(response);
    clientKeepAlive =
        ResponseHeads.prepare(response, request.method(), clientVersion, clientKeepAlive);
    ctx.write(response);
  }

  void onResponseContent(HttpContent content) {
    if (informational) {
      if (content instanceof LastHttpContent) {
        informational = false;
      }
      if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
        ReferenceCountUtil.release(content);
      } else {
        ctx.write(content);
      }
      return;
    }
    ctx.write(content);
    if (!(content instanceof LastHttpContent)) {
      return;
    }
    responseDone = true;
    if (!requestDone) {
      // The member answered before the request body ended (a 413, say). The rest of the body is
      // still on both connections, so neither can carry another request.
      backendKeepAlive = false;
      clientKeepAlive = false;
      requestDone = true;
    }
    finishExchange();
  }

  void onBackendReadComplete() {
    ctx.flush();
    if (backend == null) {
      return;
    }
    if (ctx.channel().isWritable()) {
      backend.read();
    } else {
      waitingForClientWritable = true;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (waitingForClientWritable && ctx.channel().isWritable() && backend != null) {
      waitingForClientWritable = false;
      backend.read();
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** The response is complete: give the backend connection back and go on with the client. */
  private void finishExchange() {
    Channel used = backend;
    backend = null;
    BackendConnections.release(member, used, backendKeepAlive);
    endExchangeWithClient();
  }

  private void endExchangeWithClient() {
    request = null;
    waitingForBackendWritable = false;
    waitingForClientWritable = false;
    if (clientKeepAlive) {
      headDeadline.waitForNextHead();
      ctx.flush();
      readClient(); // the next request, perhaps already waiting in the flow-control queue
    } else {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Drops the backend connection of this exchange; it is never reused. */
  private void abandonBackend() {
    if (backend != null) {
      BackendConnections.release(member, backend, false);
      backend = null;
    }
  }

  /**
   * The backend connection closed, failed, sent something that is not HTTP, or stayed silent past
   * the response timeout. Before any response byte, a body-less idempotent request is tried once
   * more, on a fresh connection to another member (or the same one if it is the only one); else the
   * client gets an error, or a close when part of a response already went out.
   */
  void onBackendFailed(Channel channel, String why) {
    if (channel != backend) {
      return;
    }
    abandonBackend();
    if (responseStarted) {
      log.debug("{}: {} failed mid-response: {}", group.name(), member, why);
      ctx.close();
      return;
    }
    if (!retried && !requestHasBody && requestDone && isIdempotent(request.method())) {
      // Typically a pooled connection the member closed just as it was reused: nothing was
      // processed, so the request may go once more.
      retried = true;
      Member other = group.pickOtherThan(member);
      sendTo(other != null ? other : member, true, true);
      return;
    }
    log.debug("{}: {} failed before answering: {}", group.name(), member, why);
    respondWithError(HttpResponseStatus.BAD_GATEWAY, "member " + member + " " + why);
  }

  /** The member sent nothing for the response timeout during an exchange. */
  void onBackendTimeout(Channel channel) {
    if (channel != backend) {
      return;
    }
    abandonBackend();
    if (responseStarted) {
      ctx.close();
      return;
    }
    respondWithError(
        HttpResponseStatus.GATEWAY_TIMEOUT,
        "member " + member + " did not answer within " + proxy.responseTimeoutSeconds() + "s");
  }

  private static boolean isIdempotent(HttpMethod method) {
    return method.equals(HttpMethod.GET)
        || method.equals(HttpMethod.HEAD)
        || method.equals(HttpMethod.OPTIONS)
        || method.equals(HttpMethod.PUT)
        || method.equals(HttpMethod.DELETE)
        || method.equals(HttpMethod.TRACE);
  }

  private void respondWithError(HttpResponseStatus status, String message) {
    if (requestHasBody && !requestDone) {
      clientKeepAlive = false; // an unread body would be taken for the next request
    }
    requestDone = true;
    ctx.write(ErrorResponses.of(status, message, clientVersion, clientKeepAlive));
    endExchangeWithClient();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The client left; a backend connection mid-exchange is in an unknown state.
    abandonBackend();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("port {}: client connection failed: {}", port, cause.toString());
    ctx.close();
  }
}
