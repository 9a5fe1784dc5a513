package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ClientAddress;
import dev.elbow.dataplane.proxy.Deadline;
import dev.elbow.dataplane.routing.DirectAnswer;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.HeaderRewrite;
import dev.elbow.dataplane.routing.InFlight;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.RouteTarget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One HTTP/2 stream, proxied to a member and streamed both ways: the request body goes to the
 * member as the client sends it, the response to the client as the member sends it (a server-sent
 * event the moment it is written), trailers included. The exchange is HTTP/2 frames from end to
 * end, one shape whatever the two sides speak: an HTTP/1.1 member connection turns them into bytes
 * and back ({@code Http1MemberCodec}), an HTTP/2 member stream carries them as they are, and an
 * HTTP/1.1 client's requests come as frames from {@link Http1Streams}. Neither side is read faster
 * than the other drains: the client is asked for more ({@link ClientEnd#read}: its window opens, or
 * its connection is read) only while the member connection is writable, and the member is read only
 * while the client takes more, so a stream holds at most a window's worth of each direction.
 *
 * <p>Errors are answered as on the HTTP/1 path: 502 (malformed or failed member), 503 (no member),
 * 504 (member silent for the response timeout), 408 (request body stopped for the request timeout);
 * once a response has begun, a failure resets the stream. A body-less idempotent request whose
 * member failed before answering is sent once more to another member, within the group's retry
 * budget.
 */
final class StreamExchange implements ClientStreamHandler {

  private final StreamListener listener;
  private final InFlight inFlight = new InFlight();
  private final ArrayDeque<Http2StreamFrame> pending = new ArrayDeque<>(2);
  private StreamRecord record;
  private StreamStickiness stickiness;
  private GroupRuntime group;
  private Member member;
  // The member's end of this exchange, once it is there.
  private MemberEnd link;
  private Http2Headers forwarded;
  // The request's HEADERS carried END_STREAM: it has no body.
  private boolean headEnds;
  // The forwarding rule's changes to the response headers, or null.
  private HeaderRewrite responseRewrite;
  private final Deadline requestIdle;
  private final Deadline responseIdle;
  private int responseSeconds;

  private boolean headSeen;
  // The client sent its END_STREAM; the member has been sent all of it (or has it queued).
  private boolean requestEnded;
  // The client sent its END_STREAM (whatever has gone to the member): an early answer needs no
  // reset to stop the rest of the request, and a reset could cut the answer's own DATA.
  private boolean clientEnded;
  private boolean headRequest;
  private boolean requestSent;
  private boolean responseStarted;
  // The exchange is over: the response went out whole, an error was answered, or it was cut.
  private boolean over;
  private boolean browser;
  private boolean replayable;
  private boolean retried;
  private boolean retryTaken;
  private boolean waitingForMember;
  private boolean waitingForClient;

  // The client's end: its HTTP/2 stream, or the HTTP/1.1 connection of Http1Streams, one exchange
  // per request.
  private final ClientEnd clientEnd;
  private final RouteTarget presetTarget;

  /**
   * @param clientEnd the client's HTTP/2 stream, or an HTTP/1.1 client's connection
   * @param presetTarget where the request goes, already chosen by the HTTP/1.1 frontend that handed
   *     its connection over; null to route the request here
   */
  StreamExchange(StreamListener listener, ClientEnd clientEnd, RouteTarget presetTarget) {
    this.listener = listener;
    this.clientEnd = clientEnd;
    this.presetTarget = presetTarget;
    EventLoop loop = clientEnd.connection().eventLoop();
    requestIdle = new Deadline(loop, this::requestBodyStalled);
    responseIdle = new Deadline(loop, this::memberSilent);
  }

  StreamListener listener() {
    return listener;
  }

  /** Whether the client has sent its whole request. */
  boolean requestEnded() {
    return requestEnded;
  }

  @Override
  public void frame(Http2StreamFrame frame) {
    if (over || !(frame instanceof Http2HeadersFrame || frame instanceof Http2DataFrame)) {
      ReferenceCountUtil.release(frame); // body after an early answer; frames of no interest
      return;
    }
    boolean end =
        frame instanceof Http2HeadersFrame headers
            ? headers.isEndStream()
            : ((Http2DataFrame) frame).isEndStream();
    if (end) {
      clientEnded = true;
    }
    if (frame instanceof Http2HeadersFrame headers && !headSeen) {
      headSeen = true;
      requestHead(headers.headers(), end);
      return;
    }
    body(frame, end);
  }

  private void requestHead(Http2Headers request, boolean whole) {
    headRequest = HttpMethod.HEAD.asciiName().contentEquals(request.method());
    // Before any answer below: an HTTP/1.1 client's connection stays open after an answer only
    // when the request was whole.
    requestEnded = whole;
    InetSocketAddress client = ClientAddress.of(clientEnd.connection());
    record =
        new StreamRecord(
            listener.metrics(),
            listener.proxy().accessLog(),
            client,
            request,
            clientEnd.protocol());
    CharSequence accept = request.get(HttpHeaderNames.ACCEPT);
    browser = accept != null && AsciiString.contains(accept, "text/html");
    ListenerRoute route = listener.proxy().routes().get().route(listener.port());
    if (route == null) {
      answer(503, "this listener was removed");
      return;
    }
    StreamRequestView view =
        route.rules() == null ? null : StreamRequestView.of(request, client.getAddress());
    RouteTarget target =
        presetTarget != null ? presetTarget : view == null ? route.own() : route.target(view);
    record.route(target);
    if (target.answer() != null) {
      DirectAnswer direct = target.answer();
      answerWith(
          direct.status(),
          StreamErrors.direct(
              direct, direct.location(view, listener.secure(), listener.port(), null)));
      return;
    }
    group = target.group();
    responseSeconds = route.config().timeouts().responseSeconds();
    stickiness = new StreamStickiness(group);
    Member chosen = stickiness.choose(group, request, client.getAddress());
    if (chosen == null) {
      record.error(ErrorKind.NO_HEALTHY_MEMBER);
      answer(503, "no member of group " + group.name() + " may take traffic");
      return;
    }
    forwarded = request;
    headEnds = whole;
    StreamHeaders.forwarded(
        forwarded,
        client.getAddress(),
        listener,
        group.config().speaksHttp2(),
        group.tls() != null);
    if (target.requestHeaders() != null) {
      target.requestHeaders().apply(forwarded);
    }
    responseRewrite = target.responseHeaders();
    replayable = whole && StreamHeaders.idempotent(request.method());
    if (!whole) {
      requestIdle.start(listener.timeouts().requestSeconds());
    }
    member = chosen;
    inFlight.start(chosen);
    connect(chosen, false);
  }

  private void connect(Member chosen, boolean fresh) {
    MemberAcquirer members =
        group.config().speaksHttp2() ? Http2MemberConnections::acquire : MemberLinks::acquire;
    members.acquire(
        listener.proxy(),
        clientEnd.connection().eventLoop(),
        group,
        chosen,
        fresh,
        listener.metrics(),
        new MemberCallback() {
          @Override
          public void connected(MemberEnd end, Member connectedTo) {
            if (over) {
              end.drop(); // the client reset the stream meanwhile
              return;
            }
            member = connectedTo;
            inFlight.start(connectedTo); // the connector may have gone to another member
            record.member(connectedTo);
            begin(end);
          }

          @Override
          public void failed(Member lastTried, Throwable cause) {
            if (over) {
              return;
            }
            record.member(lastTried);
            record.noteError(ErrorKind.ofConnectFailure(cause)); // the connector counted it
            answer(502, BackendConnector.noMemberAccepted(group, lastTried, cause));
          }
        });
  }

  /** The member connection is open: the head and what body has come go out. */
  private void begin(MemberEnd end) {
    link = end;
    end.attach(this);
    end.read(); // the response may start before the request body ends
    end.send(new DefaultHttp2HeadersFrame(forwarded, headEnds));
    Http2StreamFrame piece;
    while ((piece = pending.poll()) != null) {
      end.send(piece);
    }
    afterBodyWritten();
  }

  /** A piece of the request body, or its trailers. */
  private void body(Http2StreamFrame frame, boolean last) {
    Http2StreamFrame piece;
    if (frame instanceof Http2DataFrame data) {
      record.requestBytes(data.content().readableBytes());
      // A frame of the client's stream cannot be written to another: a new one, same content.
      piece = new DefaultHttp2DataFrame(data.content(), last);
    } else {
      piece = new DefaultHttp2HeadersFrame(((Http2HeadersFrame) frame).headers(), true);
    }
    requestIdle.activity();
    if (last) {
      requestEnded = true;
      requestIdle.stop();
    }
    if (link == null) {
      pending.add(piece); // connecting: nothing more is read until the member is there
      return;
    }
    link.send(piece);
    afterBodyWritten();
  }

  /** Starts the response timer once the member has the whole request, and asks for more. */
  private void afterBodyWritten() {
    if (requestEnded) {
      if (!requestSent) {
        requestSent = true;
        if (!waitingForClient) {
          responseIdle.start(responseSeconds); // the member has it all: its time starts
        }
      }
      link.flush();
      return;
    }
    link.flush();
    if (link.isWritable()) {
      clientEnd.read();
    } else {
      // The member is not taking the body: its delay, not the client's.
      waitingForMember = true;
      requestIdle.stop();
    }
  }

  void memberWritable() {
    if (waitingForMember && !over) {
      waitingForMember = false;
      requestIdle.start(listener.timeouts().requestSeconds());
      clientEnd.read();
    }
  }

  /** A frame of the member's response: its head, a piece of body, or trailers. */
  void fromMember(MemberEnd from, Object msg) {
    if (from != link || over) {
      ReferenceCountUtil.release(msg); // the exchange ended first (the client went away)
      return;
    }
    if (msg instanceof Http2HeadersFrame frame) {
      if (responseStarted) {
        responseIdle.activity();
        clientEnd.send(new DefaultHttp2HeadersFrame(frame.headers(), true)); // trailers
        responseDone(from);
        return;
      }
      int status = StreamHeaders.status(frame.headers());
      if (status < 0) {
        memberFailed(from, "sent a response without a valid :status", true);
      } else if (status >= 200) {
        responseHead(frame.headers(), status, frame.isEndStream());
      } else if (status != 101) {
        // 100 Continue (a client waiting to send its body), 103 Early Hints: passed on at once;
        // the answer follows. (HTTP/2 has no 101, RFC 9113 8.6.)
        responseIdle.activity();
        clientEnd.send(new DefaultHttp2HeadersFrame(frame.headers(), false));
        clientEnd.flush();
      }
    } else if (msg instanceof Http2DataFrame frame) {
      if (!responseStarted) {
        frame.release();
        memberFailed(from, "sent a body before a response head", true);
        return;
      }
      responseIdle.activity();
      ByteBuf content = frame.content();
      record.responseBytes(content.readableBytes());
      clientEnd.send(new DefaultHttp2DataFrame(content, frame.isEndStream()));
      if (frame.isEndStream()) {
        responseDone(from);
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void responseHead(Http2Headers response, int status, boolean end) {
    responseStarted = true;
    responseIdle.activity();
    group.answered(member, status);
    if (responseRewrite != null) {
      responseRewrite.apply(response);
    }
    stickiness.onResponse(member, response, listener.secure());
    record.status(status);
    clientEnd.send(new DefaultHttp2HeadersFrame(response, end));
    if (end) {
      responseDone(link);
    }
  }

  void responseDone(MemberEnd from) {
    over = true;
    clientEnd.flush();
    // A member that answered before the request body ended (a 413, say) has the rest of it
    // pending on its connection: that connection carries nothing more.
    link = null;
    from.release(requestSent);
    end();
    if (!requestEnded) {
      // The response is whole; the body the client still sends goes nowhere (RFC 9113 8.1).
      clientEnd.refuseRest();
    }
  }

  void memberReadComplete() {
    clientEnd.flush();
    if (link == null) {
      return;
    }
    if (clientEnd.isWritable()) {
      link.read();
    } else {
      // The client's window is shut: its delay, not the member's.
      waitingForClient = true;
      responseIdle.stop();
    }
  }

  @Override
  public void clientWritable() {
    if (waitingForClient && clientEnd.isWritable() && link != null) {
      waitingForClient = false;
      if (requestSent) {
        responseIdle.start(responseSeconds);
      }
      link.read();
    }
  }

  /**
   * The member connection closed, failed or sent something that is not HTTP.
   *
   * @param answered the member sent bytes of a response (not retried: the next member would most
   *     likely answer the same way)
   */
  void memberFailed(MemberEnd from, String why, boolean answered) {
    if (from != link || over) {
      return;
    }
    if (answered || !from.reused()) {
      // Passive health. A pooled connection that fails before a byte says little: the member
      // may just have closed it as idle as it was reused.
      group.failed(member, why);
    }
    dropMember();
    record.error(ErrorKind.BACKEND_RESET);
    if (responseStarted) {
      StreamErrors.log("{}: member {} failed mid-response: {}", group.name(), member, why);
      reset();
      return;
    }
    if (!answered && retryElsewhere()) {
      return;
    }
    answer(502, "group " + group.name() + " member " + member + " " + why);
  }

  private boolean retryElsewhere() {
    if (retried || !replayable || !group.tryRetry()) {
      return false;
    }
    retried = true;
    retryTaken = true;
    requestSent = false;
    responseIdle.stop();
    Member other = group.pickOtherThan(member);
    connect(other != null ? other : member, true);
    return true;
  }

  /** The member sent nothing for the response timeout. Not retried: it may still be working. */
  private void memberSilent() {
    if (link == null || over) {
      return;
    }
    String why = "no response within " + responseSeconds + "s";
    dropMember();
    record.error(ErrorKind.RESPONSE_TIMEOUT);
    group.failed(member, why);
    if (responseStarted) {
      StreamErrors.log("{}: member {} stalled mid-response: {}", group.name(), member, why);
      reset();
      return;
    }
    answer(504, "group " + group.name() + " member " + member + ": " + why);
  }

  /** The client sent no body for the request timeout while the member waited: not its fault. */
  private void requestBodyStalled() {
    if (over || requestEnded || waitingForMember) {
      return;
    }
    dropMember();
    record.error(ErrorKind.REQUEST_TIMEOUT);
    if (responseStarted) {
      reset();
      return;
    }
    answer(408, "the request body stopped arriving");
  }

  /** Answers without a member, ends the exchange, and cuts off the rest of the request body. */
  private void answer(int status, String detail) {
    answerWith(status, StreamErrors.answer(status, detail, browser));
  }

  /** Answers the stream without a member (an error, a redirect, a fixed response). */
  private void answerWith(int status, StreamErrors.Answer answer) {
    ByteBuf body = answer.body();
    boolean bodiless = headRequest || !body.isReadable();
    over = true;
    dropMember();
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    record.status(status);
    record.responseBytes(bodiless ? 0 : body.readableBytes());
    clientEnd.send(new DefaultHttp2HeadersFrame(answer.headers(), bodiless));
    if (bodiless) {
      body.release(); // a HEAD gets the head alone, Content-Length and all
    } else {
      clientEnd.send(new DefaultHttp2DataFrame(body, true));
    }
    clientEnd.flush();
    end();
    if (!requestEnded && !clientEnded) {
      clientEnd.refuseRest();
    }
  }

  /** Cuts the stream after part of a response went out: the client sees it fail, not end. */
  private void reset() {
    over = true;
    end();
    clientEnd.cut();
  }

  /** Closes the member connection of this exchange; it is never reused. */
  private void dropMember() {
    if (link != null) {
      MemberEnd end = link;
      link = null;
      end.drop();
    }
  }

  private void end() {
    requestIdle.stop();
    responseIdle.stop();
    inFlight.finish();
    if (retryTaken) {
      retryTaken = false;
      group.retryDone();
    }
    if (record != null) {
      record.end();
    }
    clientEnd.exchangeOver(this);
  }

  @Override
  public void clientClosed() {
    // The stream closed: whole, or reset by the client (its exchange is cut short), or the
    // connection went.
    if (!over) {
      over = true;
      dropMember();
      end();
    }
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
  }
}
