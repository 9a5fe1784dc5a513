package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ClientAddress;
import dev.elbow.dataplane.proxy.DrainRequested;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.proxy.http2.Http1Streams;
import dev.elbow.dataplane.routing.DirectAnswer;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.HeaderRewrite;
import dev.elbow.dataplane.routing.InFlight;
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
 * BodyFramer} only finds where they end). Nothing is allocated per request beyond pooled buffers.
 *
 * <p>For each request it picks a member and takes a keep-alive connection to it ({@link
 * BackendConnections}). Both channels have auto-read off: each side reads only while the other is
 * writable, and a pipelined request waits in the buffer until the response before it is done.
 * Anything malformed on either side ends the exchange with an error response or a close, and a
 * backend connection that saw trouble is never pooled.
 */
public final class HttpProxyFrontend extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(HttpProxyFrontend.class);
  // Every error answered with its request ID, and what the client is not told (member, cause).
  private static final Logger errors = LoggerFactory.getLogger("elbow.errors");
  private static final byte[] HEAD = KnownHeaders.ascii("HEAD");
  private static final byte[] CONNECT = KnownHeaders.ascii("CONNECT");

  // Where the exchange is.
  private static final int WAIT_HEAD = 0;
  private static final int CONNECTING = 1;
  private static final int BODY = 2;
  private static final int WAIT_RESPONSE = 3;
  private static final int CLOSING = 4;

  /** Bytes of pipelined requests held while an exchange runs; past this, reading pauses. */
  private static final int MAX_PENDING_BYTES = 64 * 1024;

  private final ProxyContext proxy;
  private final int port;
  private final ListenerTimeouts timeouts;
  private final HeadDeadline headDeadline;
  private final boolean keepAliveAllowed;
  private final boolean secure;
  private MemberChoice choice;
  // Least connections counts the exchange in progress against its member.
  private final InFlight inFlight = new InFlight();
  private final ExchangeRecorder recorder;
  private boolean begun;
  private int responseTimeoutSeconds;
  private int tunnelIdleSeconds;
  private final Http1Head request = new Http1Head();
  private final Http1RequestView requestView = new Http1RequestView();
  // The forwarding rule's changes to this exchange's response headers, or null.
  private HeaderRewrite responseRewrite;
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
  private GroupRuntime group;
  private Member member;
  private Channel backend;
  private ByteBuf forwardedHead;
  private boolean headRequest;
  // The request asks for a WebSocket: Upgrade goes to the member, and its 101 makes a tunnel.
  private boolean webSocket;
  private boolean clientHttp10;
  private boolean replayable;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean clientKeepAlive;
  // The data plane is stopping: no exchange after the one in progress.
  private boolean draining;

  /** How long a draining data plane leaves an idle keep-alive connection for one more request. */
  static final long DRAIN_IDLE_GRACE_MILLIS = 1_000;

  private boolean retried;
  // This exchange holds one of its group's retries (GroupRuntime#tryRetry) until it ends.
  private boolean retryTaken;
  // The client accepts text/html: error answers are pages, not plain text.
  private boolean browser;
  private boolean waitingForBackendWritable;
  private boolean waitingForClientWritable;
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
    requestDone = false;
    responseStarted = false;
    retried = false;
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
    group = target.group();
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
    responseTimeoutSeconds = route.config().timeouts().responseSeconds();
    tunnelIdleSeconds = route.config().timeouts().tcpIdleSeconds();
    Member chosen = choice.pick(group, in, request);
    if (chosen == null) {
      in.readerIndex(end);
      recorder.error(ErrorKind.NO_HEALTHY_MEMBER);
      respond(503, "no member of group " + group.name() + " may take traffic");
      return;
    }
    forwardedHead = ctx.alloc().buffer(end - in.readerIndex() + 256);
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
    responseRewrite = target.responseHeaders();
    // Only a request without a body can be sent again after a failure, and only an idempotent one.
    replayable = !request.hasBody() && RequestTraits.mayBeSentTwice(in, request);
    in.readerIndex(end);
    state = CONNECTING;
    inFlight.start(chosen);
    sendTo(chosen, false);
  }

  /**
   * Sends the request head to the member over a pooled or new connection.
   *
   * @param fresh true to skip the pool (the retry after a pooled connection failed)
   */
  private void sendTo(Member chosen, boolean fresh) {
    member = chosen;
    BackendConnections.acquire(
        proxy,
        ctx.channel().eventLoop(),
        group,
        chosen,
        fresh,
        recorder.listener(),
        new BackendConnector.Callback() {
          @Override
          public void connected(Channel channel, Member connectedTo) {
            member = connectedTo;
            if (!ctx.channel().isActive()) {
              BackendConnections.release(connectedTo, channel, false);
              return; // the client left, and channelInactive ended the count
            }
            inFlight.start(connectedTo); // a retry may have changed the member
            recorder.member(connectedTo);
            startExchange(channel);
          }

          @Override
          public void failed(Member lastTried, Throwable cause) {
            recorder.member(lastTried);
            recorder.noteError(ErrorKind.ofConnectFailure(cause)); // the connector counted it
            respond(
                502,
                "group "
                    + group.name()
                    + ": no member accepted a connection, the last ("
                    + lastTried
                    + "): "
                    + cause);
          }
        });
  }

  private void startExchange(Channel channel) {
    backend = channel;
    channel
        .pipeline()
        .get(HttpBackendHandler.class)
        .attach(this, headRequest, webSocket, responseTimeoutSeconds);
    channel.read(); // the response may start before the request body ends
    // Keep the head while the request may have to go again; a body is never sent twice.
    channel.write(
        replayable ? forwardedHead.retainedDuplicate() : forwardedHead, channel.voidPromise());
    if (!replayable) {
      forwardedHead = null;
    }
    if (checkedBodyBytes > 0) {
      channel.write(in.readRetainedSlice(checkedBodyBytes), channel.voidPromise());
      recorder.requestBytes(checkedBodyBytes);
      checkedBodyBytes = 0;
    }
    if (requestBody.done()) {
      requestSent();
      channel.flush();
    } else {
      state = BODY;
      headDeadline.bodyStarted();
      forwardBody();
    }
  }

  /**
   * The whole request is on its way to the member: the response timeout starts now, not while the
   * client uploads (a long upload that keeps moving is not the member's delay), and the client's
   * body-idle clock stops.
   */
  private void requestSent() {
    requestDone = true;
    state = WAIT_RESPONSE;
    headDeadline.bodyDone();
    backend.pipeline().get(HttpBackendHandler.class).requestSent();
  }

  private void forwardBody() {
    while (in != null && in.isReadable()) {
      int n = requestBody.scan(in);
      if (n < 0) {
        // A broken body must not reach the member as if it had ended well.
        abandonBackend();
        clientKeepAlive = false;
        recorder.error(ErrorKind.BAD_REQUEST);
        if (responseStarted) {
          ctx.close();
        } else {
          respond(400, "malformed request body");
        }
        return;
      }
      backend.write(in.readRetainedSlice(n), backend.voidPromise());
      recorder.requestBytes(n);
      if (requestBody.done()) {
        requestSent();
        backend.flush();
        return;
      }
    }
    in = Cumulation.releaseIfEmpty(in);
    backend.flush();
    if (backend.isWritable()) {
      ctx.read();
    } else {
      // The member is not taking the body: its delay, not the client's. The client's idle clock
      // stops and the member's starts until it takes more.
      waitingForBackendWritable = true;
      headDeadline.bodyPaused();
      backend.pipeline().get(HttpBackendHandler.class).stalledOnMember(true);
    }
  }

  void onBackendWritable() {
    if (waitingForBackendWritable) {
      waitingForBackendWritable = false;
      headDeadline.bodyStarted();
      backend.pipeline().get(HttpBackendHandler.class).stalledOnMember(false);
      ctx.read();
    }
  }

  /** A 1xx response: passed on to HTTP/1.1 clients; the real response follows. */
  void onInterimResponse(ByteBuf bytes, Http1Head head) {
    relay.interim(bytes, head);
  }

  void onResponseHead(ByteBuf bytes, Http1Head head, boolean untilClose) {
    responseStarted = true;
    forwardedHead = Cumulation.release(forwardedHead); // no retry once a response has begun
    if (untilClose && clientHttp10) {
      clientKeepAlive = false; // the body ends where this connection does
    }
    group.answered(member, head.status);
    relay.head(
        bytes,
        head,
        clientKeepAlive,
        clientHttp10,
        untilClose && !clientHttp10,
        choice.stickyCookieFor(member, bytes, head),
        responseRewrite);
  }

  /**
   * The member accepted the WebSocket upgrade: the 101 goes to the client, and from here both
   * connections carry the WebSocket's bytes as they are ({@link WebSocketTunnel}). The exchange's
   * record ends with the 101; the member still counts the connection (least connections) until the
   * tunnel closes.
   *
   * @param bytes what the member sent: the 101 head, then perhaps the first frames
   */
  void onSwitchingProtocols(Channel member, ByteBuf bytes, Http1Head head) {
    responseStarted = true;
    group.answered(this.member, head.status);
    relay.switchingProtocols(
        bytes, head, choice.stickyCookieFor(this.member, bytes, head), responseRewrite);
    bytes.readerIndex(head.end);
    ByteBuf fromMember = Cumulation.releaseIfEmpty(bytes);
    ByteBuf fromClient = Cumulation.releaseIfEmpty(in);
    in = null;
    backend = null;
    state = CLOSING;
    headDeadline.stop();
    releaseRetry();
    recorder.end();
    forwardedHead = Cumulation.release(forwardedHead);
    InFlight counted = inFlight;
    ctx.channel().closeFuture().addListener(f -> counted.finish());
    WebSocketTunnel.join(ctx, member, tunnelIdleSeconds, fromClient, fromMember);
  }

  void onResponseBody(ByteBuf slice) {
    relay.body(slice);
  }

  void onResponseComplete(boolean backendReusable) {
    relay.end();
    if (!requestDone) {
      // The member answered before the request body ended (a 413, say). The rest of the body is
      // still on both connections, so neither can carry another request.
      backendReusable = false;
      clientKeepAlive = false;
      requestDone = true;
    }
    Channel used = backend;
    backend = null;
    BackendConnections.release(member, used, backendReusable);
    endExchange();
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
  private void endExchange() {
    inFlight.finish();
    releaseRetry();
    recorder.end();
    waitingForBackendWritable = false;
    waitingForClientWritable = false;
    forwardedHead = Cumulation.release(forwardedHead);
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

  /** Drops the backend connection of this exchange; it is never reused. */
  private void abandonBackend() {
    if (backend != null) {
      BackendConnections.release(member, backend, false);
      backend = null;
    }
  }

  /**
   * The backend connection closed, failed or sent something that is not HTTP. If the member sent
   * nothing yet, a body-less idempotent request is tried once more, on a fresh connection to
   * another member (or the same one if it is the only one), within the group's retry budget; else
   * the client gets a 502, or a close when part of a response already went out.
   *
   * @param answered the member sent bytes for this exchange (a malformed answer is not retried: the
   *     next member would most likely answer the same request the same way)
   */
  void onBackendFailed(Channel channel, String why, boolean answered) {
    if (channel != backend) {
      return;
    }
    if (answered || !channel.pipeline().get(HttpBackendHandler.class).reused()) {
      // Passive health. A pooled connection that fails before a byte says little: the member
      // may just have closed it as idle while it was reused.
      group.failed(member, why);
    }
    abandonBackend();
    recorder.error(ErrorKind.BACKEND_RESET);
    if (responseStarted) {
      errors.warn("{}: member {} failed mid-response: {}", group.name(), member, why);
      ctx.close();
      return;
    }
    if (!answered && retryElsewhere()) {
      return;
    }
    respond(502, "group " + group.name() + " member " + member + " " + why);
  }

  /**
   * Sends the request once more, over a new connection to another member (or the same one if it is
   * the only one), if it is safe to: idempotent, without a body, not retried yet, nothing answered,
   * and the group's retry budget allows one more.
   */
  private boolean retryElsewhere() {
    if (retried || !replayable || forwardedHead == null || !group.tryRetry()) {
      return false;
    }
    retried = true;
    retryTaken = true;
    Member other = group.pickOtherThan(member);
    state = CONNECTING;
    sendTo(other != null ? other : member, true);
    return true;
  }

  /** The member sent nothing for the response timeout during an exchange. */
  void onBackendTimeout(Channel channel) {
    if (channel != backend) {
      return;
    }
    abandonBackend();
    recorder.error(ErrorKind.RESPONSE_TIMEOUT);
    String why = "no response within " + responseTimeoutSeconds + "s";
    group.failed(member, why); // passive health: counts, and one alone never ejects
    if (responseStarted) {
      errors.warn("{}: member {} stalled mid-response: {}", group.name(), member, why);
      ctx.close();
      return;
    }
    // Not retried: the member has the whole request and may still be working on it; a slow
    // answer is most often the request's own cost, and sending it again doubles that.
    respond(504, "group " + group.name() + " member " + member + ": " + why);
  }

  /**
   * The client sent no body bytes for the request timeout while the member waited for them: 408,
   * and the member's connection is dropped without counting against it (the client's doing).
   */
  private void onRequestBodyTimeout() {
    if (state != BODY || waitingForBackendWritable) {
      return;
    }
    abandonBackend();
    clientKeepAlive = false;
    recorder.error(ErrorKind.REQUEST_TIMEOUT);
    if (responseStarted) {
      ctx.close();
      return;
    }
    respond(408, "the request body stopped arriving");
  }

  private void releaseRetry() {
    if (retryTaken) {
      retryTaken = false;
      group.retryDone();
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
  private void respond(int status, String detail) {
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
    requestDone = true;
    if (checkedBodyBytes > 0) {
      in.skipBytes(checkedBodyBytes); // a whole body that goes nowhere is not the next request
      checkedBodyBytes = 0;
    }
  }

  private void answer(int status, ByteBuf response) {
    relay.answer(status, response, headRequest);
    endExchange();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The client left; a backend connection mid-exchange is in an unknown state.
    headDeadline.stop();
    inFlight.finish();
    releaseRetry();
    recorder.end(); // an exchange cut short, if any: logged without a status
    abandonBackend();
    in = Cumulation.release(in);
    forwardedHead = Cumulation.release(forwardedHead);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("port {}: client connection failed: {}", port, cause.toString());
    ctx.close();
  }
}
