package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.HeaderRewrite;
import dev.elbow.dataplane.routing.InFlight;
import dev.elbow.dataplane.routing.Member;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member side of one HTTP/1.x exchange of an {@link HttpProxyFrontend}: a connection to the
 * chosen member (pooled or new), the request head and body written to it, the response relayed to
 * the client as it comes, and what a failing or silent member costs. A body-less idempotent request
 * whose member fails before answering goes once more to another member, within the group's retry
 * budget.
 *
 * <p>The frontend keeps the client's side: its bytes, the request heads and body framing,
 * keep-alive, and the answers given without a member. {@link HttpBackendHandler} calls in here for
 * what the member sends; a call from a connection this exchange no longer uses is ignored.
 */
final class MemberExchange {

  private static final Logger errors = LoggerFactory.getLogger("elbow.errors");

  private final HttpProxyFrontend client;
  private final ChannelHandlerContext ctx;
  private final ExchangeRecorder recorder;
  private final ResponseRelay relay;
  private final GroupRuntime group;
  private final HeaderRewrite responseRewrite;
  private final int responseTimeoutSeconds;
  private final int tunnelIdleSeconds;
  // Only a request without a body can be sent again after a failure, and only an idempotent one.
  private final boolean replayable;
  private final InFlight inFlight = new InFlight();
  private Member member;
  private Channel backend;
  // The head as the member gets it; kept while the request may have to go again.
  private ByteBuf forwardedHead;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean retried;
  private boolean retryTaken;
  private boolean waitingForBackendWritable;
  private boolean waitingForClientWritable;

  MemberExchange(
      HttpProxyFrontend client,
      GroupRuntime group,
      HeaderRewrite responseRewrite,
      int responseTimeoutSeconds,
      int tunnelIdleSeconds,
      ByteBuf forwardedHead,
      boolean replayable) {
    this.client = client;
    this.ctx = client.ctx();
    this.recorder = client.recorder();
    this.relay = client.relay();
    this.group = group;
    this.responseRewrite = responseRewrite;
    this.responseTimeoutSeconds = responseTimeoutSeconds;
    this.tunnelIdleSeconds = tunnelIdleSeconds;
    this.forwardedHead = forwardedHead;
    this.replayable = replayable;
  }

  GroupRuntime group() {
    return group;
  }

  /** Whether part of the response went to the client: a failure now can only cut it. */
  boolean responseStarted() {
    return responseStarted;
  }

  /**
   * Sends the request head to the member over a pooled or new connection.
   *
   * @param fresh true to skip the pool (the retry after a pooled connection failed)
   */
  void sendTo(Member chosen, boolean fresh) {
    member = chosen;
    inFlight.start(chosen);
    BackendConnections.acquire(
        client.proxy(),
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
            start(channel);
          }

          @Override
          public void failed(Member lastTried, Throwable cause) {
            recorder.member(lastTried);
            recorder.noteError(ErrorKind.ofConnectFailure(cause)); // the connector counted it
            client.respond(502, BackendConnector.noMemberAccepted(group, lastTried, cause));
          }
        });
  }

  private void start(Channel channel) {
    backend = channel;
    channel
        .pipeline()
        .get(HttpBackendHandler.class)
        .attach(this, client.headRequest(), client.webSocket(), responseTimeoutSeconds);
    channel.read(); // the response may start before the request body ends
    // Keep the head while the request may have to go again; a body is never sent twice.
    channel.write(
        replayable ? forwardedHead.retainedDuplicate() : forwardedHead, channel.voidPromise());
    if (!replayable) {
      forwardedHead = null;
    }
    client.memberReady();
  }

  /** A piece of the request body, as the client sent it (chunk framing and all). */
  void body(ByteBuf piece) {
    recorder.requestBytes(piece.readableBytes());
    backend.write(piece, backend.voidPromise());
  }

  /**
   * The whole request is on its way to the member: the response timeout starts now, not while the
   * client uploads (a long upload that keeps moving is not the member's delay).
   */
  void requestSent() {
    requestDone = true;
    backend.pipeline().get(HttpBackendHandler.class).requestSent();
    backend.flush();
  }

  /**
   * Sends the body written so far; whether the member takes more now. If not, the client's idle
   * clock stops and the member's runs until it takes more ({@link #onBackendWritable}).
   */
  boolean bodyFlushed() {
    backend.flush();
    if (backend.isWritable()) {
      return true;
    }
    waitingForBackendWritable = true;
    client.bodyPaused();
    backend.pipeline().get(HttpBackendHandler.class).stalledOnMember(true);
    return false;
  }

  /** The client's body broke its framing: it must not reach the member as if it had ended well. */
  void bodyBroken() {
    abandonBackend();
    client.stopKeepAlive();
    recorder.error(ErrorKind.BAD_REQUEST);
    if (responseStarted) {
      ctx.close();
    } else {
      client.respond(400, "malformed request body");
    }
  }

  void onBackendWritable() {
    if (waitingForBackendWritable) {
      waitingForBackendWritable = false;
      backend.pipeline().get(HttpBackendHandler.class).stalledOnMember(false);
      client.bodyResumed();
    }
  }

  /** A 1xx response: passed on to HTTP/1.1 clients; the real response follows. */
  void onInterimResponse(ByteBuf bytes, Http1Head head) {
    relay.interim(bytes, head);
  }

  void onResponseHead(ByteBuf bytes, Http1Head head, boolean untilClose) {
    responseStarted = true;
    forwardedHead = Cumulation.release(forwardedHead); // no retry once a response has begun
    if (untilClose && client.http10()) {
      client.stopKeepAlive(); // the body ends where this connection does
    }
    group.answered(member, head.status);
    relay.head(
        bytes,
        head,
        client.keepAlive(),
        client.http10(),
        untilClose && !client.http10(),
        client.choice().stickyCookieFor(member, bytes, head),
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
  void onSwitchingProtocols(Channel memberChannel, ByteBuf bytes, Http1Head head) {
    responseStarted = true;
    group.answered(member, head.status);
    relay.switchingProtocols(
        bytes, head, client.choice().stickyCookieFor(member, bytes, head), responseRewrite);
    bytes.readerIndex(head.end);
    ByteBuf fromMember = Cumulation.releaseIfEmpty(bytes);
    backend = null;
    releaseRetry();
    forwardedHead = Cumulation.release(forwardedHead);
    InFlight counted = inFlight;
    ctx.channel().closeFuture().addListener(f -> counted.finish());
    client.becomeTunnel(memberChannel, fromMember, tunnelIdleSeconds);
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
      client.stopKeepAlive();
      requestDone = true;
    }
    Channel used = backend;
    backend = null;
    BackendConnections.release(member, used, backendReusable);
    client.endExchange();
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

  /** The client's connection drains again: the member is read again. */
  void onClientWritable() {
    if (waitingForClientWritable && backend != null) {
      waitingForClientWritable = false;
      backend.read();
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
    client.respond(502, "group " + group.name() + " member " + member + " " + why);
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
    client.respond(504, "group " + group.name() + " member " + member + ": " + why);
  }

  /**
   * The client sent no body bytes for the request timeout while the member waited for them: 408,
   * and the member's connection is dropped without counting against it (the client's doing).
   */
  void onRequestBodyTimeout() {
    if (waitingForBackendWritable) {
      return;
    }
    abandonBackend();
    client.stopKeepAlive();
    recorder.error(ErrorKind.REQUEST_TIMEOUT);
    if (responseStarted) {
      ctx.close();
      return;
    }
    client.respond(408, "the request body stopped arriving");
  }

  /** The exchange is over, answered or cut (the client left): nothing of it is kept. */
  void finish() {
    inFlight.finish();
    releaseRetry();
    abandonBackend();
    waitingForBackendWritable = false;
    waitingForClientWritable = false;
    forwardedHead = Cumulation.release(forwardedHead);
  }

  /** Drops the backend connection of this exchange; it is never reused. */
  private void abandonBackend() {
    if (backend != null) {
      BackendConnections.release(member, backend, false);
      backend = null;
    }
  }

  private void releaseRetry() {
    if (retryTaken) {
      retryTaken = false;
      group.retryDone();
    }
  }
}
