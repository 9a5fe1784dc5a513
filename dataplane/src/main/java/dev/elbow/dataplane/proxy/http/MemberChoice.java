package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.StickyCookies;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.StickySessionType;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;

/**
 * Picks the member of each request on one HTTP/1 client connection, and says which sticky cookie
 * its response must set. Touched only on the connection's event loop.
 */
final class MemberChoice {

  private final InetAddress clientIp;
  private final boolean secure;
  // SOURCE_IP: the member hashed for this connection's client, reused while its group is in force
  // and it is not unhealthy, so keep-alive requests do not hash again (a hash costs a logarithm
  // per member).
  private GroupRuntime hashedGroup;
  private Member hashedMember;
  // Cookie stickiness of the exchange: the member the request's cookie named (null if none or it
  // cannot take traffic) and whether the request carried the application's cookie.
  private StickyCookies cookies;
  private Member cookieMember;
  private boolean appCookieSent;

  /**
   * @param secure the client connection is TLS, so cookies are set Secure
   */
  MemberChoice(InetAddress clientIp, boolean secure) {
    this.clientIp = clientIp;
    this.secure = secure;
  }

  /**
   * The member for this request: the one its sticky cookie names while that member takes traffic,
   * else by the group's algorithm; null when none may take it.
   */
  Member pick(GroupRuntime group, ByteBuf in, Http1Head request) {
    cookies = group.cookies();
    cookieMember = null;
    appCookieSent = false;
    if (cookies != null) {
      appCookieSent =
          cookies.type() == StickySessionType.APP_COOKIE
              && CookieHeaders.has(in, request, cookies.appCookieName());
      // An APP_COOKIE session lasts while the client sends the application's cookie.
      if (cookies.type() == StickySessionType.LB_COOKIE || appCookieSent) {
        cookieMember = cookies.member(CookieHeaders.token(in, request, cookies.routeCookieName()));
        if (cookieMember != null) {
          return cookieMember;
        }
      }
    }
    return pickForClient(group);
  }

  private Member pickForClient(GroupRuntime group) {
    if (group.config().algorithm() != Algorithm.SOURCE_IP) {
      return group.pick();
    }
    if (group != hashedGroup
        || hashedMember == null
        || hashedMember.health().state() == HealthState.UNHEALTHY) {
      hashedGroup = group;
      hashedMember = group.pickFor(clientIp);
    }
    return hashedMember;
  }

  /**
   * The Set-Cookie line that keeps the client on the member that answered, or null: with LB_COOKIE
   * on every response (which renews it); with APP_COOKIE when the member sets the application's
   * cookie, or when the client's session had to move to another member.
   */
  byte[] stickyCookieFor(Member member, ByteBuf bytes, Http1Head head) {
    if (cookies == null || member == null) {
      return null;
    }
    boolean write =
        cookies.type() == StickySessionType.LB_COOKIE
            || (appCookieSent && member != cookieMember)
            || CookieHeaders.sets(bytes, head, cookies.appCookieName());
    return write ? cookies.setCookieLine(member, secure) : null;
  }
}
