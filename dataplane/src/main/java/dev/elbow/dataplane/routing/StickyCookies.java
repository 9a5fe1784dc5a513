package dev.elbow.dataplane.routing;

import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import io.netty.util.collection.LongObjectHashMap;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cookies of an HTTP group's sticky sessions. The load balancer's cookie names a member by an
 * opaque token: 64 bits of an HMAC-SHA256 of the group and the member's address, keyed by a secret
 * that every data-plane replica shares (derived from their admin token), so any replica routes any
 * client's cookie the same way and nobody learns or forges a member's address from it.
 *
 * <p>Tokens and the complete Set-Cookie header of each member are worked out once, when the group
 * is built; a request only parses 16 hex digits and does one map lookup.
 */
public final class StickyCookies {

  /** Hex digits of a token. */
  public static final int TOKEN_LENGTH = 16;

  /** What {@link #parseToken} returns for text that is not a token; no member has it. */
  public static final long NO_TOKEN = 0;

  private final StickySession config;
  private final byte[] routeCookieName;
  private final byte[] appCookieName;
  private final LongObjectHashMap<Member> byToken = new LongObjectHashMap<>();
  private final byte[][] plainLines;
  private final byte[][] secureLines;

  private StickyCookies(StickySession config, List<Member> members, byte[] key, String group) {
    this.config = config;
    this.routeCookieName = ascii(config.routeCookieName());
    this.appCookieName = config.appCookieName() == null ? null : ascii(config.appCookieName());
    this.plainLines = new byte[members.size()][];
    this.secureLines = new byte[members.size()][];
    for (Member member : members) {
      long token = token(key, group, member.config().endpoint());
      byToken.put(token, member);
      String value = String.format("%016x", token);
      plainLines[member.index()] = ascii("set-cookie: " + setCookie(value, false) + "\r\n");
      secureLines[member.index()] = ascii("set-cookie: " + setCookie(value, true) + "\r\n");
    }
  }

  /** The cookies of a group with cookie stickiness, or null for any other group. */
  static StickyCookies of(StickySession config, List<Member> members, byte[] key, String group) {
    if (config == null || config.type() == StickySessionType.SOURCE_IP) {
      return null;
    }
    return new StickyCookies(config, members, key, group);
  }

  /** The HMAC key cookies are signed with, derived from a secret the replicas share. */
  public static byte[] keyFrom(String sharedSecret) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(("elbow sticky cookie key\n" + sharedSecret).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The token of a member of a group: never {@link #NO_TOKEN}. */
  static long token(byte[] key, String group, String endpoint) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] sum = mac.doFinal((group + "\n" + endpoint).getBytes(StandardCharsets.UTF_8));
      long token = 0;
      for (int i = 0; i < 8; i++) {
        token = (token << 8) | (sum[i] & 0xff);
      }
      return token == NO_TOKEN ? 1 : token;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  public StickySession config() {
    return config;
  }

  public StickySessionType type() {
    return config.type();
  }

  /** The name of the cookie that carries the token, as ASCII bytes (cookie names match exactly). */
  public byte[] routeCookieName() {
    return routeCookieName;
  }

  /** APP_COOKIE: the application's cookie name; null for LB_COOKIE. */
  public byte[] appCookieName() {
    return appCookieName;
  }

  /** The member a token names, if it may take new traffic now; else null. */
  public Member member(long token) {
    Member member = token == NO_TOKEN ? null : byToken.get(token);
    return member != null && member.takesTraffic() ? member : null;
  }

  /** The whole {@code set-cookie: ...\r\n} header line naming this member. */
  public byte[] setCookieLine(Member member, boolean secure) {
    return (secure ? secureLines : plainLines)[member.index()];
  }

  /** The value of the Set-Cookie header naming this member, for HTTP/2 responses. */
  public String setCookieValue(Member member, boolean secure) {
    byte[] line = setCookieLine(member, secure);
    int prefix = "set-cookie: ".length();
    return new String(line, prefix, line.length - prefix - 2, StandardCharsets.US_ASCII);
  }

  /** Parses 16 hex digits at {@code text[start, end)}; {@link #NO_TOKEN} for anything else. */
  public static long parseToken(CharSequence text, int start, int end) {
    if (end - start != TOKEN_LENGTH) {
      return NO_TOKEN;
    }
    long token = 0;
    for (int i = start; i < end; i++) {
      int digit = Character.digit(text.charAt(i), 16);
      if (digit < 0) {
        return NO_TOKEN;
      }
      token = (token << 4) | digit;
    }
    return token;
  }

  /**
   * The value of cookie {@code name} in these Cookie header values ({@code a=1; b=2}), or null; for
   * the HTTP/2 path, whose headers are strings already.
   */
  public static String cookieValue(List<String> cookieHeaders, String name) {
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        String trimmed = pair.strip();
        if (trimmed.length() > name.length()
            && trimmed.charAt(name.length()) == '='
            && trimmed.startsWith(name)) {
          return trimmed.substring(name.length() + 1);
        }
      }
    }
    return null;
  }

  /** Whether one of these Set-Cookie header values sets cookie {@code name}. */
  public static boolean setsCookie(List<String> setCookieHeaders, String name) {
    for (String header : setCookieHeaders) {
      String trimmed = header.stripLeading();
      if (trimmed.length() > name.length()
          && trimmed.charAt(name.length()) == '='
          && trimmed.startsWith(name)) {
        return true;
      }
    }
    return false;
  }

  private String setCookie(String token, boolean secure) {
    StringBuilder cookie = new StringBuilder();
    cookie.append(config.routeCookieName()).append('=').append(token);
    cookie.append("; Max-Age=").append(config.timeoutMinutes() * 60L);
    cookie.append("; Path=").append(config.path() == null ? "/" : config.path());
    if (config.httpOnly()) {
      cookie.append("; HttpOnly");
    }
    if (config.sameSite() != null) {
      cookie.append("; SameSite=").append(config.sameSite().attribute());
    }
    if (secure) {
      cookie.append("; Secure");
    }
    return cookie.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
