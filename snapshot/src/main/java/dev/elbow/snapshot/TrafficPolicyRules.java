package dev.elbow.snapshot;

import java.util.List;

/**
 * The snapshot checks of a group's traffic policy: sticky sessions and slow start. Kept apart from
 * {@link SnapshotValidator} because they are many and only about these two settings.
 */
final class TrafficPolicyRules {

  private static final int MAX_COOKIE_NAME = 64;
  private static final int MAX_PATH = 256;

  private TrafficPolicyRules() {}

  static void validate(GroupConfig group, String at, List<String> problems) {
    if (group.stickySession() != null) {
      stickySession(group, group.stickySession(), at + ".stickySession", problems);
    }
    if (group.slowStart() != null) {
      slowStart(group, group.slowStart(), at + ".slowStart", problems);
    }
  }

  private static void stickySession(
      GroupConfig group, StickySession sticky, String at, List<String> problems) {
    if (sticky.type() == null) {
      problems.add(at + ".type: must be one of SOURCE_IP, LB_COOKIE, APP_COOKIE");
      return;
    }
    if (group.protocol() != null && !sticky.type().appliesTo(group.protocol())) {
      problems.add(
          at
              + ".type: "
              + sticky.type()
              + " does not apply to "
              + group.protocol()
              + " groups; use "
              + (sticky.type() == StickySessionType.SOURCE_IP
                  ? "LB_COOKIE or APP_COOKIE for HTTP and HTTPS groups"
                  : "SOURCE_IP for TCP and UDP groups"));
    }
    if (group.algorithm() != Algorithm.ROUND_ROBIN
        && group.algorithm() != Algorithm.LEAST_CONNECTIONS) {
      problems.add(
          at
              + ": sticky sessions work with ROUND_ROBIN and LEAST_CONNECTIONS, not "
              + group.algorithm()
              + " (which already keeps a client on one member)");
    }
    int[] range = StickySession.timeoutRange(sticky.type());
    if (sticky.timeoutMinutes() < range[0] || sticky.timeoutMinutes() > range[1]) {
      problems.add(
          at
              + ".timeoutMinutes: must be "
              + range[0]
              + "-"
              + range[1]
              + " for "
              + sticky.type()
              + ", was "
              + sticky.timeoutMinutes());
    }
    String name = sticky.appCookieName();
    if (sticky.type() == StickySessionType.APP_COOKIE) {
      if (name == null || name.isEmpty()) {
        problems.add(at + ".appCookieName: APP_COOKIE needs the name of the application's cookie");
      } else if (!isCookieName(name)) {
        problems.add(
            at
                + ".appCookieName: \""
                + name
                + "\" is not a cookie name (1-"
                + MAX_COOKIE_NAME
                + " letters, digits and !#$%&'*+-.^_`|~)");
      } else if (name.equals(StickySession.APP_COOKIE_ROUTE_NAME)
          || name.equals(StickySession.LB_COOKIE_NAME)) {
        problems.add(at + ".appCookieName: " + name + " is the load balancer's own cookie");
      }
    } else if (name != null) {
      problems.add(at + ".appCookieName: applies only to APP_COOKIE sessions");
    }
    if (sticky.type() != StickySessionType.SOURCE_IP) {
      String path = sticky.path();
      if (path == null || !path.startsWith("/") || path.length() > MAX_PATH || !isPathText(path)) {
        problems.add(
            at
                + ".path: must start with '/', have at most "
                + MAX_PATH
                + " characters and no ';' or control characters, was "
                + (path == null ? "nothing" : "\"" + path + "\""));
      }
    }
  }

  private static void slowStart(
      GroupConfig group, SlowStart slowStart, String at, List<String> problems) {
    if (group.protocol() != null
        && group.protocol() != BackendProtocol.HTTP
        && group.protocol() != BackendProtocol.HTTPS) {
      problems.add(at + ": applies only to HTTP and HTTPS groups, not " + group.protocol());
    }
    if (group.algorithm() != null && group.algorithm() != Algorithm.ROUND_ROBIN) {
      problems.add(at + ": works only with ROUND_ROBIN, not " + group.algorithm());
    }
    if (slowStart.durationSeconds() < 30 || slowStart.durationSeconds() > 1200) {
      problems.add(at + ".durationSeconds: must be 30-1200, was " + slowStart.durationSeconds());
    }
  }

  /** An RFC 6265 cookie-name: a token. */
  static boolean isCookieName(String name) {
    if (name.isEmpty() || name.length() > MAX_COOKIE_NAME) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPathText(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x21 || c > 0x7e || c == ';') {
        return false;
      }
    }
    return true;
  }
}
