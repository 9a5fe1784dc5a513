package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ClientAddress;
import dev.elbow.dataplane.proxy.Deadline;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.InFlight;
import dev.elbow.dataplane.routing.ListenerRoute;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.RouteTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Map;

/**
 * WebSocket over HTTP/2 (RFC 8441): a stream opened with an extended CONNECT ({@code :protocol
 * websocket}) becomes a WebSocket to an HTTP/1.1 member. The member gets an ordinary RFC 6455
 * Upgrade (with the client's subprotocols and extensions), and once it answers 101 the stream
 * answers 200 and carries the WebSocket's frames both ways as DATA, untouched, so extensions such
 * as permessage-deflate stay between the client and the member. Each side is read only while the
 * other can take more; a side that goes quiet for the listener's TCP idle timeout ends both.
 */
final class WebSocketStream implements ClientStreamHandler {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Headers of the client's CONNECT that the member's Upgrade request carries on. */
  private static final String[] PASSED_ON = {
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "origin",
    "cookie",
    "authorization",
    "user-agent"
  };

  private final StreamListener listener;
  private final InFlight inFlight = new InFlight();
  private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);
  private final ClientStream stream;
  private final Deadline idle;
  private Channel member;
  private boolean open;
  private boolean clientEnded;
  private boolean over;
  private StreamStickiness stickiness;
  private Member chosenMember;

  WebSocketStream(StreamListener listener, ClientStream stream) {
    this.listener = listener;
    this.stream = stream;
    idle = new Deadline(stream.connection().eventLoop(), () -> finish(false));
  }

  /** Whether a request head asks for a WebSocket over this stream (RFC 8441 4). */
  static boolean asksForWebSocket(Http2Headers headers) {
    CharSequence protocol = headers.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
    return headers.method() != null
        && HttpMethod.CONNECT.asciiName().contentEquals(headers.method())
        && protocol != null
        && "websocket".contentEquals(protocol);
  }

  @Override
  public void frame(Http2StreamFrame msg) {
    if (over) {
      ReferenceCountUtil.release(msg);
    } else if (msg instanceof Http2HeadersFrame head && member == null && !open) {
      connect(head.headers());
    } else if (msg instanceof Http2DataFrame data) {
      idle.activity();
      clientEnded = data.isEndStream();
      ByteBuf bytes = data.content().retain();
      data.release();
      if (!open) {
        early.add(bytes); // before the member said 101: held, and nothing more is read
        return;
      }
      member.write(bytes, member.voidPromise());
      afterClientBytes();
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void connect(Http2Headers headers) {
    ListenerRoute route = listener.proxy().routes().get().route(listener.port());
    InetSocketAddress client = ClientAddress.of(stream.connection());
    if (route == null) {
      refuse(503);
      return;
    }
    RouteTarget target = route.target(StreamRequestView.of(headers, client.getAddress()));
    if (target.answer() != null) {
      refuse(target.answer().status()); // a rule that redirects or answers: no WebSocket here
      return;
    }
    GroupRuntime group = target.group();
    // Sticky sessions apply at the upgrade, as on HTTP/1.1: the route cookie picks the member.
    HttpHeaders cookies = new DefaultHttpHeaders();
    for (CharSequence cookie : headers.getAll(HttpHeaderNames.COOKIE)) {
      cookies.add(HttpHeaderNames.COOKIE, cookie);
    }
    stickiness = new StreamStickiness(group);
    Member chosen = stickiness.choose(group, cookies, client.getAddress());
    if (chosen == null) {
      refuse(503);
      return;
    }
    FullHttpRequest upgrade = upgradeRequest(headers, client);
    inFlight.start(chosen);
    listener
        .proxy()
        .connector()
        .connect(
            stream.connection().eventLoop(),
            group,
            chosen,
            () -> memberPipeline(group, chosen),
            false,
            listener.metrics(),
            new BackendConnector.Callback() {
              @Override
              public void connected(Channel channel, Member to) {
                inFlight.start(to);
                chosenMember = to;
                if (over) {
                  upgrade.release();
                  channel.close();
                  return;
                }
                member = channel;
                channel.pipeline().get(Handshake.class).begin(group, to);
                channel.writeAndFlush(upgrade);
                channel.read();
              }

              @Override
              public void failed(Member lastTried, Throwable cause) {
                upgrade.release();
                refuse(502);
              }
            });
  }

  private FullHttpRequest upgradeRequest(Http2Headers headers, InetSocketAddress client) {
    CharSequence path = headers.path();
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, path == null ? "/" : path.toString());
    HttpHeaders out = request.headers();
    CharSequence authority = headers.authority();
    out.set(HttpHeaderNames.HOST, authority == null ? "" : authority);
    out.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    out.set(HttpHeaderNames.SEC_WEBSOCKET_KEY, Base64.getEncoder().encodeToString(key));
    CharSequence version = headers.get("sec-websocket-version");
    out.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, version == null ? "13" : version);
    for (String name : PASSED_ON) {
      for (CharSequence value : headers.getAll(name)) {
        out.add(name, value);
      }
    }
    out.set("x-forwarded-for", NetUtil.toAddressString(client.getAddress()));
    out.set("x-forwarded-proto", listener.secure() ? "https" : "http");
    out.set("x-forwarded-port", listener.portText());
    return request;
  }

  private ChannelInitializer<Channel> memberPipeline(GroupRuntime group, Member target) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (group.tls() != null) {
          ch.pipeline().addLast(group.tls().newHandler(ch.alloc(), target.socketAddress()));
        }
        ch.pipeline().addLast(new HttpClientCodec(), new Handshake());
      }
    };
  }

  /** The member's answer to the Upgrade: 101 opens the WebSocket, anything else ends the stream. */
  private final class Handshake extends ChannelInboundHandlerAdapter {
    private GroupRuntime group;
    private Member to;
    private HttpResponse answer;

    void begin(GroupRuntime group, Member to) {
      this.group = group;
      this.to = to;
    }

    @Override
    public void channelRead(ChannelHandlerContext memberCtx, Object msg) {
      if (msg instanceof HttpResponse response) {
        answer = response;
        group.answered(to, response.status().code());
      }
      if (msg instanceof LastHttpContent) {
        ReferenceCountUtil.release(msg);
        if (answer != null && answer.status().code() == 101) {
          memberCtx.pipeline().remove(HttpClientCodec.class); // what follows is WebSocket frames
          memberCtx.pipeline().replace(this, null, new FromMember());
          opened(answer);
        } else {
          memberCtx.close();
          refuse(answer == null ? 502 : answer.status().code());
        }
        return;
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext memberCtx) {
      if (!open) {
        group.failed(to, "closed the connection before answering the WebSocket upgrade");
        refuse(502);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext memberCtx, Throwable cause) {
      memberCtx.close();
    }
  }

  /** The member said 101: the stream answers 200, and what waited goes to the member. */
  private void opened(HttpResponse answer) {
    open = true;
    Http2Headers headers = new DefaultHttp2Headers().status("200");
    stickiness.onResponse(chosenMember, answer.headers(), listener.secure());
    for (Map.Entry<String, String> header : answer.headers()) {
      String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
      if (name.equals("sec-websocket-protocol")
          || name.equals("sec-websocket-extensions")
          || name.equals("set-cookie")) {
        headers.add(name, header.getValue());
      }
    }
    stream.send(new DefaultHttp2HeadersFrame(headers, false));
    stream.flush();
    idle.start(listener.timeouts().tcpIdleSeconds());
    ByteBuf bytes;
    while ((bytes = early.poll()) != null) {
      member.write(bytes, member.voidPromise());
    }
    afterClientBytes();
    member.read();
  }

  /** After bytes went to the member: pass on the client's end, or read on while it keeps up. */
  private void afterClientBytes() {
    member.flush();
    if (clientEnded) {
      if (member instanceof DuplexChannel duplex) {
        duplex.shutdownOutput(); // the client finished sending; the member may still answer
      }
      return;
    }
    if (member.isWritable()) {
      stream.read();
    }
  }

  /** Relays the member's bytes to the stream as DATA. */
  private final class FromMember extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext memberCtx, Object msg) {
      idle.activity();
      stream.send(new DefaultHttp2DataFrame((ByteBuf) msg));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext memberCtx) {
      stream.flush();
      if (stream.isWritable()) {
        memberCtx.read();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext memberCtx) {
      if (memberCtx.channel().isWritable() && !clientEnded && open) {
        stream.read();
      }
      memberCtx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext memberCtx) {
      finish(true); // the member closed: the stream ends cleanly
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext memberCtx, Throwable cause) {
      listener.metrics().error(ErrorKind.BACKEND_RESET);
      memberCtx.close();
    }
  }

  @Override
  public void clientWritable() {
    if (stream.isWritable() && member != null && open) {
      member.read();
    }
  }

  /** Ends the stream without a WebSocket: the member refused, or none could be reached. */
  private void refuse(int status) {
    if (over) {
      return;
    }
    over = true;
    inFlight.finish();
    releaseEarly();
    stream.send(
        new DefaultHttp2HeadersFrame(
            new DefaultHttp2Headers().status(Integer.toString(status)), true));
    stream.flush();
    stream.over();
  }

  /**
   * Ends both sides.
   *
   * @param clean the member closed: the stream ends with END_STREAM; else it is reset
   */
  private void finish(boolean clean) {
    if (over) {
      return;
    }
    over = true;
    idle.stop();
    inFlight.finish();
    releaseEarly();
    if (member != null) {
      member.close();
    }
    if (clean) {
      stream.send(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
      stream.flush();
      stream.over();
    } else {
      stream.reset(Http2Error.CANCEL);
    }
  }

  private void releaseEarly() {
    ByteBuf bytes;
    while ((bytes = early.poll()) != null) {
      bytes.release();
    }
  }

  @Override
  public void clientClosed() {
    // The stream closed: the client reset it, or both sides ended it, or the connection went.
    over = true;
    idle.stop();
    inFlight.finish();
    releaseEarly();
    if (member != null) {
      member.close();
    }
  }
}
