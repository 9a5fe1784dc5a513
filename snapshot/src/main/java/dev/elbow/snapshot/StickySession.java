package dev.elbow.snapshot;

/**
 * Sticky sessions: requests or connections of one client keep going to one member while that member
 * takes traffic; when it does not (unhealthy, weight 0, gone), the client moves to another and, for
 * cookies, gets a new cookie. A request never fails because its sticky member went away.
 *
 * @param type what identifies the client's session
 * @param timeoutMinutes SOURCE_IP: how long an idle client is remembered, 1-60; LB_COOKIE and
 *     APP_COOKIE: the lifetime (Max-Age) of the load balancer's cookie, 1-1440, renewed with every
 *     response
 * @param appCookieName APP_COOKIE only: the application's cookie that the session follows
 * @param httpOnly cookies: whether the load balancer's cookie is HttpOnly
 * @param path cookies: the Path attribute of the load balancer's cookie
 * @param sameSite cookies: the SameSite attribute, or null to send none
 */
public record StickySession(
    StickySessionType type,
    int timeoutMinutes,
    String appCookieName,
    boolean httpOnly,
    String path,
    SameSite sameSite) {

  /** Default timeouts, as in ELB: 20 minutes for source IPs, a day for cookies. */
  public static final int DEFAULT_SOURCE_IP_MINUTES = 20;

  public static final int DEFAULT_COOKIE_MINUTES = 1440;

  /** The cookie that carries the member for LB_COOKIE sessions. */
  public static final String LB_COOKIE_NAME = "ELBOW_LB";

  /** The cookie that carries the member beside the application's cookie for APP_COOKIE. */
  public static final String APP_COOKIE_ROUTE_NAME = "ELBOW_APP";

  /** The timeout range of this type, as {@code {min, max}} minutes. */
  public static int[] timeoutRange(StickySessionType type) {
    return type == StickySessionType.SOURCE_IP ? new int[] {1, 60} : new int[] {1, 1440};
  }

  /** The name of the cookie the load balancer issues for this session, or null for SOURCE_IP. */
  public String routeCookieName() {
    return switch (type) {
      case LB_COOKIE -> LB_COOKIE_NAME;
      case APP_COOKIE -> APP_COOKIE_ROUTE_NAME;
      case SOURCE_IP -> null;
    };
  }
}
