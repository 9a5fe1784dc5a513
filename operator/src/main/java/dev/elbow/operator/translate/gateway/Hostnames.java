package dev.elbow.operator.translate.gateway;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The host names a route serves on a listener: Gateway API intersects the route's hostnames with
 * the listener's hostname, each side exact ({@code a.example.com}) or a leading wildcard ({@code
 * *.example.com}, one or more labels). The more specific name of each matching pair is kept.
 */
final class Hostnames {

  private Hostnames() {}

  /**
   * The names the route serves on the listener: empty with both sides empty (any host); null when
   * nothing intersects (the route does not attach to this listener).
   *
   * @param listener the listener's hostname, or null for any
   * @param route the route's hostnames, or empty for any
   */
  static List<String> intersect(String listener, List<String> route) {
    if (route == null || route.isEmpty()) {
      return listener == null ? List.of() : List.of(listener);
    }
    if (listener == null) {
      return List.copyOf(route);
    }
    Set<String> served = new LinkedHashSet<>();
    for (String name : route) {
      if (covers(listener, name)) {
        served.add(name);
      } else if (covers(name, listener)) {
        served.add(listener);
      }
    }
    return served.isEmpty() ? null : new ArrayList<>(served);
  }

  /** Whether every name {@code narrow} matches, {@code wide} matches too. */
  static boolean covers(String wide, String narrow) {
    if (wide.equalsIgnoreCase(narrow)) {
      return true;
    }
    if (!wide.startsWith("*.")) {
      return false;
    }
    String suffix = wide.substring(1); // ".example.com"
    String rest = narrow.startsWith("*.") ? narrow.substring(1) : "." + narrow;
    // "*.example.com" covers "a.example.com", "a.b.example.com" and "*.b.example.com", not
    // "example.com" and not "*.example.com"'s equal (handled above).
    return rest.length() > suffix.length()
        && rest.regionMatches(true, rest.length() - suffix.length(), suffix, 0, suffix.length());
  }
}
