package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.StickyCookies;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import java.util.List;

/**
 * Sticky sessions for one HTTP/2 stream, as the HTTP/1 path does them: the route cookie picks the
 * member while it may take traffic, else the group's algorithm; the response sets the cookie when
 * the group says so (always for load-balancer cookies; for application cookies, when the member
 * sets its cookie or the client's went to another member).
 */
final class StreamStickiness {

  private final StickyCookies cookies;
  private Member fromCookie;
  private boolean appCookieSent;

  StreamStickiness(GroupRuntime group) {
    this.cookies = group.cookies();
  }

  /** The member for this request, or null when none may take traffic. */
  Member choose(GroupRuntime group, HttpHeaders request, InetAddress client) {
    return choose(group, cookies == null ? null : request.getAll(HttpHeaderNames.COOKIE), client);
  }

  /** The member for this HTTP/2 request, or null when none may take traffic. */
  Member choose(GroupRuntime group, Http2Headers request, InetAddress client) {
    return choose(group, cookies == null ? null : strings(request, HttpHeaderNames.COOKIE), client);
  }

  private Member choose(GroupRuntime group, List<String> sent, InetAddress client) {
    if (cookies != null) {
      StickySession sticky = cookies.config();
      appCookieSent =
          sticky.type() == StickySessionType.APP_COOKIE
              && StickyCookies.cookieValue(sent, sticky.appCookieName()) != null;
      if (sticky.type() == StickySessionType.LB_COOKIE || appCookieSent) {
        String token = StickyCookies.cookieValue(sent, sticky.routeCookieName());
        fromCookie =
            token == null
                ? null
                : cookies.member(StickyCookies.parseToken(token, 0, token.length()));
      }
    }
    return fromCookie != null ? fromCookie : group.pickFor(client);
  }

  /** Adds the route cookie to the member's response when it is due. */
  void onResponse(Member member, HttpHeaders response, boolean secure) {
    if (cookies != null && due(member, response.getAll(HttpHeaderNames.SET_COOKIE))) {
      response.add(HttpHeaderNames.SET_COOKIE, cookies.setCookieValue(member, secure));
    }
  }

  /** Adds the route cookie to the member's HTTP/2 response when it is due. */
  void onResponse(Member member, Http2Headers response, boolean secure) {
    if (cookies != null && due(member, strings(response, HttpHeaderNames.SET_COOKIE))) {
      response.add(HttpHeaderNames.SET_COOKIE, cookies.setCookieValue(member, secure));
    }
  }

  private boolean due(Member member, List<String> setCookies) {
    return cookies.type() == StickySessionType.LB_COOKIE
        || (appCookieSent && member != fromCookie)
        || (cookies.type() == StickySessionType.APP_COOKIE
            && StickyCookies.setsCookie(setCookies, cookies.config().appCookieName()));
  }

  private static List<String> strings(Http2Headers headers, CharSequence name) {
    return headers.getAll(name).stream().map(CharSequence::toString).toList();
  }
}
