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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies the HTTP/1.1 requests of one client connection, one exchange at a time.
 *
 * <p>For each request it picks a member, takes a keep-alive connection to it from the event loop's
 * {@link BackendPool} (or opens one, with one retry on another member), and streams the request
 * there and the response back, chunk by chunk: nothing is aggregated. Both channels have auto-read
 * off and the {@code FlowControlHandler} in front of this handler hands over one message per read,
 * so each side reads only while the other side is writable, and pipelined requests wait their turn.
 */
public final class HttpProxyFrontend extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(HttpProxyFrontend.class);

  private final ProxyContext proxy;
  private final int port;
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
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    readClient();
  }

  /** Asks for the next message from the client: the next request, or more of its body. */
  private void readClient() {
    clientReadPending = true;
    ctx.read();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
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
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    sendTo(chosen, false);
  }

  /**
   * Sends the request head to the member over a pooled or a new connection.
   *
   * @param replay true when retrying a body-less request whose end was already read
   */
  private void sendTo(Member chosen, boolean replay) {
    member = chosen;
    BackendConnections.acquire(
        proxy,
        ctx.channel().eventLoop(),
        group,
        chosen,
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
    if (replay) {
      channel.write(request);
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
      return;
    }
    channel.writeAndFlush(request, channel.voidPromise());
    readClientWhenBackendWritable();
  }

  private void onRequestContent(HttpContent content) {
    if (backend == null || requestDone) {
      // The exchange was answered without the member (an error): drop the rest of the request
      // and read on, to the next request or to the close that the error response asked for.
      ReferenceCountUtil.release(content);
      readClient();
      return;
    }
    backend.writeAndFlush(content, backend.voidPromise());
    if (content instanceof LastHttpContent) {
      requestDone = true;
      if (responseDone) {
        finishExchange();
      }
    } else {
      readClientWhenBackendWritable();
    }
  }

  private void readClientWhenBackendWritable() {
    if (backend.isWritable()) {
      readClient();
    } else {
      waitingForBackendWritable = true;
    }
  }

  void onBackendWritable() {
    if (waitingForBackendWritable) {
      waitingForBackendWritable = false;
      readClient();
    }
  }

  void onResponseHead(HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      informational = true; // 100 Continue and the like: pass on, the real response follows
      ctx.write(response);
      return;
    }
    responseStarted = true;
    backendKeepAlive = HttpUtil.isKeepAlive(response);
    HopByHopHeaders.strip(response.headers());
    if (!HttpUtil.isContentLengthSet(response)
        && !HttpUtil.isTransferEncodingChunked(response)
        && mayHaveBody(response)) {
      // The member delimits this body by closing. HTTP/1.1 clients get it re-framed as chunks
      // and keep their connection; HTTP/1.0 clients get it delimited by our close.
      if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
        clientKeepAlive = false;
      } else {
        HttpUtil.setTransferEncodingChunked(response, true);
      }
    }
    HttpUtil.setKeepAlive(response.headers(), clientVersion, clientKeepAlive);
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    ctx.write(response);
  }

  private boolean mayHaveBody(HttpResponse response) {
    int code = response.status().code();
    return code != 204 && code != 304 && !HttpMethod.HEAD.equals(request.method());
  }

  void onResponseContent(HttpContent content) {
    ctx.write(content);
    if (!(content instanceof LastHttpContent)) {
      return;
    }
    if (informational) {
      informational = false;
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
      ctx.flush();
      readClient(); // the next request, perhaps already waiting in the flow-control queue
    } else {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The backend connection closed or failed during an exchange. */
  void onBackendClosed(Channel channel, Throwable cause) {
    if (channel != backend) {
      return;
    }
    backend = null;
    if (responseStarted) {
      // Part of a response is already with the client: closing is the only honest signal left.
      log.debug("{}: {} closed mid-response", group.name(), member);
      ctx.close();
      return;
    }
    if (!retried && !requestHasBody && requestDone && isIdempotent(request.method())) {
      // Typically a pooled connection the member closed just as it was reused: nothing was
      // processed, so the request may go once more, to another member.
      retried = true;
      Member other = group.pickOtherThan(member);
      if (other != null) {
        sendTo(other, true);
        return;
      }
    }
    log.debug("{}: {} closed before answering: {}", group.name(), member, String.valueOf(cause));
    respondWithError(HttpResponseStatus.BAD_GATEWAY, "member " + member + " closed the connection");
  }

  /** The member sent nothing for the response timeout during an exchange. */
  void onBackendTimeout(Channel channel) {
    if (channel != backend) {
      return;
    }
    backend = null;
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
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (request == null) {
        ctx.close(); // idle between requests for longer than the keep-alive timeout
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (backend != null) {
      // The client left mid-exchange; the backend connection is in an unknown state.
      BackendConnections.release(member, backend, false);
      backend = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("port {}: client connection failed: {}", port, cause.toString());
    ctx.close();
  }
}
