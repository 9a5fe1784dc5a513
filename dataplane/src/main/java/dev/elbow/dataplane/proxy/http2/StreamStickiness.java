package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.StickyCookies;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
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
    if (cookies != null) {
      List<String> sent = request.getAll(HttpHeaderNames.COOKIE);
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
    if (cookies == null) {
      return;
    }
    boolean due =
        cookies.type() == StickySessionType.LB_COOKIE
            || (appCookieSent && member != fromCookie)
            || (cookies.type() == StickySessionType.APP_COOKIE
                && StickyCookies.setsCookie(
                    response.getAll(HttpHeaderNames.SET_COOKIE), cookies.config().appCookieName()));
    if (due) {
      response.add(HttpHeaderNames.SET_COOKIE, cookies.setCookieValue(member, secure));
    }
  }
}
