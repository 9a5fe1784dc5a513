package dev.elbow.snapshot;

import java.util.Arrays;

/**
 * The HTTP status codes a health check accepts, parsed from ELB's notation: a code ("200"), a list
 * ("200,202") or ranges ("200-204"), mixed freely ("200-204,301").
 */
public final class ExpectedCodes {

  /** What a health check expects when the user says nothing. */
  public static final String DEFAULT = "200";

  private final int[] lows;
  private final int[] highs;
  private final String text;

  private ExpectedCodes(int[] lows, int[] highs, String text) {
    this.lows = lows;
    this.highs = highs;
    this.text = text;
  }

  /**
   * Parses the notation.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static ExpectedCodes parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("must list at least one status code, e.g. \"200\"");
    }
    String[] parts = text.split(",", -1);
    int[] lows = new int[parts.length];
    int[] highs = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      int dash = part.indexOf('-');
      lows[i] = code(dash < 0 ? part : part.substring(0, dash), text);
      highs[i] = dash < 0 ? lows[i] : code(part.substring(dash + 1), text);
      if (highs[i] < lows[i]) {
        throw new IllegalArgumentException(
            "range \"" + part + "\" in \"" + text + "\" ends below its start");
      }
    }
    return new ExpectedCodes(lows, highs, text);
  }

  private static int code(String digits, String whole) {
    String s = digits.trim();
    if (s.length() != 3 || !s.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "\"" + whole + "\" is not a list of status codes or ranges like \"200,202-204\"");
    }
    int code = Integer.parseInt(s);
    if (code < 100 || code > 599) {
      throw new IllegalArgumentException("status code " + code + " is outside 100-599");
    }
    return code;
  }

  /** Whether a response with this status counts as healthy. */
  public boolean matches(int status) {
    for (int i = 0; i < lows.length; i++) {
      if (status >= lows[i] && status <= highs[i]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExpectedCodes other
        && Arrays.equals(lows, other.lows)
        && Arrays.equals(highs, other.highs);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(lows) + Arrays.hashCode(highs);
  }
}
