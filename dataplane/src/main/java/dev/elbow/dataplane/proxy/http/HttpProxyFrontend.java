package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.ClientAddress;
import dev.elbow.dataplane.proxy.DrainRequested;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.proxy.http2.Http1Streams;
import dev.elbow.dataplane.routing.DirectAnswer;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.RouteTarget;
import dev.elbow.snapshot.ListenerTimeouts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies the HTTP/1.x requests of one client connection, one exchange at a time, working on the
 * bytes as they arrive: heads are parsed in place ({@link Http1HeadParser}) and written anew
 * ({@link HeadWriter}); bodies go through untouched, as slices of the buffers read ({@link
 * BodyFramer} only finds where they end). Per request, little is allocated beyond pooled buffers.
 *
 * <p>This is the client's side: reading, heads, routing, keep-alive, and answers given without a
 * member. For each request that goes to a member it picks one, and a {@link MemberExchange} takes a
 * keep-alive connection to it and relays the response. Both channels have auto-read off: each side
 * reads only while the other is writable, and a pipelined request waits in the buffer until the
 * response before it is done. Anything malformed on either side ends the exchange with an error
 * response or a close, and a backend connection that saw trouble is never pooled.
 */
public final class HttpProxyFrontend extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(HttpProxyFrontend.class);
  // Every error answered with its request ID, and what the client is not told (member, cause).
  private static final Logger errors = LoggerFactory.getLogger("elbow.errors");
  private static final byte[] HEAD = KnownHeaders.ascii("HEAD");
  private static final byte[] CONNECT = KnownHeaders.ascii("CONNECT");

  // Where the exchange is.
  private static final int WAIT_HEAD = 0;
  // A member exchange runs: connecting, or waiting for the response once the body is sent.
  private static final int EXCHANGE = 1;
  // A member exchange runs and the request body goes to it as it arrives.
  private static final int BODY = 2;
  private static final int CLOSING = 3;

  /** Bytes of pipelined requests held while an exchange runs; past this, reading pauses. */
  private static final int MAX_PENDING_BYTES = 64 * 1024;

  private final ProxyContext proxy;
  private final int port;
  private final ListenerTimeouts timeouts;
  private final HeadDeadline headDeadline;
  private final boolean keepAliveAllowed;
  private final boolean secure;
  private MemberChoice choice;
  private final ExchangeRecorder recorder;
  private boolean begun;
  private final Http1Head request = new Http1Head();
  private final Http1RequestView requestView = new Http1RequestView();
  private final BodyFramer requestBody = new BodyFramer();
  private ChannelHandlerContext ctx;
  private ResponseRelay relay;
  private ByteBuf in;
  private byte[] clientAddress;
  private byte[] portText;
  private byte[] hostText;
  // The listener's address as a URL host: a redirect's when the request names no host.
  private String localHost;

  // The exchange in progress; touched only on this connection's event loop, which is also the
  // event loop of its backend connections.
  private int state = WAIT_HEAD;
  // The member side of the exchange in progress, or null.
  private MemberExchange exchange;
  private boolean headRequest;
  // The request asks for a WebSocket: Upgrade goes to the member, and its 101 makes a tunnel.
  private boolean webSocket;
  private boolean clientHttp10;
  private boolean clientKeepAlive;
  // The data plane is stopping: no exchange after the one in progress.
  private boolean draining;

  /** How long a draining data plane leaves an idle keep-alive connection for one more request. */
  static final long DRAIN_IDLE_GRACE_MILLIS = 1_000;

  // The client accepts text/html: error answers are pages, not plain text.
  private boolean browser;
  // Body bytes after the head that the framer has already scanned (chunks checked up front).
  private int checkedBodyBytes;

  /**
   * @param timeouts the listener's timeouts as the connection was accepted; a change applies to
   *     connections accepted after it
   * @param metrics the listener's counters as the connection was accepted
   * @param secure the client connection is TLS (an HTTPS listener): members are told so by
   *     X-Forwarded-Proto
   */
  public HttpProxyFrontend(
      ProxyContext proxy,
      int port,
      ListenerTimeouts timeouts,
      ListenerMetrics metrics,
      boolean secure) {
    this.proxy = proxy;
    this.timeouts = timeouts;
    this.recorder = new ExchangeRecorder(metrics, proxy.accessLog());
    this.port = port;
    this.secure = secure;
    this.keepAliveAllowed = timeouts.httpKeepAliveSeconds() > 0;
    this.headDeadline =
        new HeadDeadline(
            timeouts.httpKeepAliveSeconds(),
            timeouts.requestSeconds(),
            this::onRequestTimeout,
            this::onRequestBodyTimeout);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.relay = new ResponseRelay(ctx, recorder);
    if (ctx.channel().isActive()) {
      begin(ctx); // added after a TLS handshake, when channelActive has passed
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    begin(ctx);
    ctx.fireChannelActive();
  }

  private void begin(ChannelHandlerContext ctx) {
    if (begun) {
      return;
    }
    begun = true;
    // What X-Forwarded-For, -Port and a missing Host say, worked out once per connection.
    InetSocketAddress remote = ClientAddress.of(ctx.channel()); // a PROXY header's, if read
    InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
    choice = new MemberChoice(remote.getAddress(), secure);
    requestView.client(remote.getAddress());
    recorder.client(remote);
    clientAddress = ascii(NetUtil.toAddressString(remote.getAddress()));
    portText = ascii(Integer.toString(port));
    hostText = ascii(NetUtil.toSocketAddressString(local));
    String address = NetUtil.toAddressString(local.getAddress());
    localHost = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    headDeadline.start(ctx);
    ctx.read();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    in = Cumulation.append(ctx.alloc(), in, (ByteBuf) msg);
    headDeadline.bytesArrived();
    process();
  }

  /** Does what the pending client bytes allow in the current state. */
  private void process() {
    while (true) {
      if (state == WAIT_HEAD) {
        if (in == null || !in.isReadable()) {
          in = Cumulation.releaseIfEmpty(in);
          ctx.read();
          return;
        }
        int end = Http1HeadParser.parse(in, true, request);
        if (end == Http1HeadParser.NEED_MORE) {
          ctx.read();
          return;
        }
        if (end < 0) {
          refuse(end);
          return;
        }
        onRequestHead(end);
      } else if (state == BODY) {
        forwardBody();
        return;
      } else {
        // Waiting for a backend connection or the response. A read stays pending all the same:
        // with auto-read off, epoll would otherwise disarm and re-arm the socket around every
        // request, two system calls each. What arrives meanwhile (a pipelined request) waits in
        // `in`, and past a limit reading stops until the response is out.
        if (state != CLOSING && (in == null || in.readableBytes() < MAX_PENDING_BYTES)) {
          ctx.read();
        }
        return;
      }
    }
  }

  private void refuse(int error) {
    clientKeepAlive = false; // the rest of what the client sent cannot be trusted
    headRequest = false; // the last request's; this one's method is unknown
    browser = false; // nothing of this request can be read
    recorder.error(ErrorKind.BAD_REQUEST);
    if (error == Http1HeadParser.NOT_HTTP) {
      // RFC 9113 3.4: a cleartext listener also takes HTTP/2 with prior knowledge, and an invalid
      // preface must end the connection; no other protocol reads an HTTP/1.x answer either.
      errors.debug("connection on port {}: not HTTP, closed without an answer", port);
      state = CLOSING;
      recorder.end();
      ctx.close();
      return;
    }
    switch (error) {
      case Http1HeadParser.TOO_LARGE, Http1HeadParser.TOO_MANY_HEADERS ->
          respond(431, "the request head is too large");
      case Http1HeadParser.URI_TOO_LONG -> respond(414, "the request line is too long");
      case Http1HeadParser.BAD_VERSION ->
          respond(505, "only HTTP/1.0 and HTTP/1.1 are served here");
      case Http1HeadParser.UNSUPPORTED_CODING ->
          respond(501, "only chunked transfer coding is accepted");
      default -> respond(400, "malformed request");
    }
  }

  private void onRequestHead(int end) {
    headDeadline.headArrived();
    recorder.head(in, request, end);
    clientHttp10 = request.http10;
    clientKeepAlive = !draining && keepAliveAllowed && request.keepAlive();
    headRequest = request.methodIs(in, HEAD);
    webSocket = RequestTraits.asksForWebSocket(in, request);
    browser = RequestTraits.acceptsHtml(in, request);
    if (request.chunked) {
      requestBody.chunked();
      // The chunks that came with the head are checked before anything goes to a member, so a
      // broken chunk size in them (how smuggling attempts look) never reaches one.
      int headStart = in.readerIndex();
      in.readerIndex(end);
      checkedBodyBytes = requestBody.scan(in);
      if (checkedBodyBytes < 0) {
        checkedBodyBytes = 0;
        recorder.error(ErrorKind.BAD_REQUEST);
        respond(400, "malformed request body");
        return;
      }
      in.readerIndex(headStart);
    } else {
      requestBody.length(Math.max(0, request.contentLength));
    }
    if (request.methodIs(in, CONNECT)) {
      // A tunnel would hand a pooled backend connection over to raw bytes.
      in.readerIndex(end);
      recorder.error(ErrorKind.BAD_REQUEST);
      respond(405, "CONNECT is not supported");
      return;
    }
    ListenerRoute route = proxy.routes().get().route(port);
    if (route == null) {
      in.readerIndex(end);
      clientKeepAlive = false;
      respond(503, "this listener was removed");
      return;
    }
    RouteTarget target = route.target(requestView.of(in, request));
    if (target.answer() != null) {
      String location = target.answer().location(requestView, secure, port, localHost);
      in.readerIndex(end);
      recorder.route(target);
      answerDirectly(target.answer(), location);
      return;
    }
    GroupRuntime group = target.group();
    if (group.config().speaksHttp2()) {
      // The members speak HTTP/2: this connection's requests become HTTP/2 streams from here.
      state = CLOSING;
      headDeadline.stop();
      ByteBuf bytes = in;
      in = null;
      Http1Streams.takeOver(ctx, bytes, proxy, port, timeouts, recorder.listener(), secure, target);
      return;
    }
    recorder.route(target);
    Member chosen = choice.pick(group, in, request);
    if (chosen == null) {
      in.readerIndex(end);
      recorder.error(ErrorKind.NO_HEALTHY_MEMBER);
      respond(503, "no member of group " + group.name() + " may take traffic");
      return;
    }
    ByteBuf forwardedHead = ctx.alloc().buffer(end - in.readerIndex() + 256);
    HeadWriter.request(
        forwardedHead,
        in,
        request,
        clientAddress,
        portText,
        hostText,
        secure,
        webSocket,
        target.requestHeaders());
    boolean replayable = !request.hasBody() && RequestTraits.mayBeSentTwice(in, request);
    in.readerIndex(end);
    state = EXCHANGE;
    exchange =
        new MemberExchange(
            this,
            group,
            target.responseHeaders(),
            route.config().timeouts().responseSeconds(),
            route.config().timeouts().tcpIdleSeconds(),
            forwardedHead,
            replayable);
    exchange.sendTo(chosen, false);
  }

  /** The member connection is open and has the head: the body follows, as far as it has come. */
  void memberReady() {
    if (checkedBodyBytes > 0) {
      exchange.body(in.readRetainedSlice(checkedBodyBytes));
      checkedBodyBytes = 0;
    }
    if (requestBody.done()) {
      requestSent();
    } else {
      state = BODY;
      headDeadline.bodyStarted();
      forwardBody();
    }
  }

  /** The whole request is on its way to the member; the client's body-idle clock stops. */
  private void requestSent() {
    state = EXCHANGE;
    headDeadline.bodyDone();
    exchange.requestSent();
  }

  /** Passes the body the client sent so far to the member, its framing checked as it goes. */
  private void forwardBody() {
    while (in != null && in.isReadable()) {
      int n = requestBody.scan(in);
      if (n < 0) {
        exchange.bodyBroken();
        return;
      }
      exchange.body(in.readRetainedSlice(n));
      if (requestBody.done()) {
        requestSent();
        return;
      }
    }
    in = Cumulation.releaseIfEmpty(in);
    if (exchange.bodyFlushed()) {
      ctx.read();
    }
  }

  /** The member is not taking the body: its delay, not the client's. */
  void bodyPaused() {
    headDeadline.bodyPaused();
  }

  /** The member takes the body again: the client's idle clock runs, and it is read again. */
  void bodyResumed() {
    headDeadline.bodyStarted();
    ctx.read();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.onClientWritable();
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
    clientKeepAlive = false;
    // An idle keep-alive connection is not closed at once: its client may be sending the next
    // request right now, and would see the connection closed without an answer (a steady client
    // behind a rolling data plane did, in HelmInstallNodeIT). The next request is answered with
    // "Connection: close"; a connection that stays idle through the grace closes then (HAProxy's
    // idle-close-on-response).
    ctx.executor()
        .schedule(
            () -> {
              if (state == WAIT_HEAD
                  && (in == null || !in.isReadable())
                  && ctx.channel().isOpen()) {
                state = CLOSING; // still idle: nothing is cut
                in = Cumulation.release(in);
                ctx.close();
              }
            },
            DRAIN_IDLE_GRACE_MILLIS,
            TimeUnit.MILLISECONDS);
  }

  /** The exchange is over: go on with the next request, or close. */
  void endExchange() {
    dropExchange();
    recorder.end();
    if (clientKeepAlive) {
      state = WAIT_HEAD;
      headDeadline.waitForNextHead();
      ctx.flush();
      process(); // a pipelined request may be waiting already
    } else {
      state = CLOSING;
      in = Cumulation.release(in);
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Ends the member side of the exchange, if one runs: nothing of it is kept. */
  private void dropExchange() {
    if (exchange != null) {
      exchange.finish();
      exchange = null;
    }
  }

  /** The client sent no body bytes for the request timeout while the member waited for them. */
  private void onRequestBodyTimeout() {
    if (state == BODY) {
      exchange.onRequestBodyTimeout();
    }
  }

  /** The client began a request and did not finish its head within the request timeout. */
  private void onRequestTimeout() {
    if (state != WAIT_HEAD) {
      return;
    }
    clientKeepAlive = false;
    in = Cumulation.release(in);
    recorder.error(ErrorKind.REQUEST_TIMEOUT);
    respond(408, "the request head did not arrive in time");
  }

  /**
   * Answers the client without a member and ends the exchange.
   *
   * @param detail what happened, for the log under the answer's request ID; never sent
   */
  void respond(int status, String detail) {
    answeringWithoutMember();
    String id = ErrorResponses.newRequestId();
    if (status >= 500) {
      errors.warn("request {}: {} on port {}: {}", id, status, port, detail);
    } else {
      errors.debug("request {}: {} on port {}: {}", id, status, port, detail);
    }
    ByteBuf response =
        ErrorResponses.of(ctx.alloc(), status, id, browser, clientKeepAlive, clientHttp10);
    answer(status, response);
  }

  /** A forwarding rule's redirect or fixed response; {@code location} worked out already. */
  private void answerDirectly(DirectAnswer answer, String location) {
    answeringWithoutMember();
    answer(
        answer.status(),
        ErrorResponses.direct(ctx.alloc(), answer, location, clientKeepAlive, clientHttp10));
  }

  /** The request is answered here: a body it has goes nowhere. */
  private void answeringWithoutMember() {
    if (!requestBody.done()) {
      clientKeepAlive = false; // an unread body would be taken for the next request
    }
    if (checkedBodyBytes > 0) {
      in.skipBytes(checkedBodyBytes); // a whole body that goes nowhere is not the next request
      checkedBodyBytes = 0;
    }
  }

  private void answer(int status, ByteBuf response) {
    relay.answer(status, response, headRequest);
    endExchange();
  }

  /**
   * The member accepted the WebSocket upgrade: from here both connections carry the WebSocket's
   * bytes as they are ({@link WebSocketTunnel}), whatever each side sent early included.
   */
  void becomeTunnel(Channel member, ByteBuf fromMember, int idleSeconds) {
    ByteBuf fromClient = Cumulation.releaseIfEmpty(in);
    in = null;
    exchange = null;
    state = CLOSING;
    headDeadline.stop();
    recorder.end();
    WebSocketTunnel.join(ctx, member, idleSeconds, fromClient, fromMember);
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  ProxyContext proxy() {
    return proxy;
  }

  ExchangeRecorder recorder() {
    return recorder;
  }

  ResponseRelay relay() {
    return relay;
  }

  MemberChoice choice() {
    return choice;
  }

  boolean headRequest() {
    return headRequest;
  }

  boolean webSocket() {
    return webSocket;
  }

  boolean http10() {
    return clientHttp10;
  }

  boolean keepAlive() {
    return clientKeepAlive;
  }

  /** The connection closes after this exchange. */
  void stopKeepAlive() {
    clientKeepAlive = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The client left; a backend connection mid-exchange is in an unknown state.
    headDeadline.stop();
    dropExchange();
    recorder.end(); // an exchange cut short, if any: logged without a status
    in = Cumulation.release(in);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("port {}: client connection failed: {}", port, cause.toString());
    ctx.close();
  }
}
