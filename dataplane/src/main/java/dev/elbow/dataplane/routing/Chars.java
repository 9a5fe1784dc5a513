package dev.elbow.dataplane.routing;

/** Comparisons of request text without building strings: what {@link HttpRouter} runs on. */
final class Chars {

  private Chars() {}

  static boolean equals(CharSequence a, String b) {
    if (a == null || a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < b.length(); i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code a} equals {@code lower}, which is in lower case, ignoring ASCII case. */
  static boolean equalsIgnoreCase(CharSequence a, String lower) {
    if (a.length() != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      if (toLower(a.charAt(i)) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code a} ends with {@code lowerSuffix}, which is in lower case, ignoring case. */
  static boolean endsWithIgnoreCase(CharSequence a, String lowerSuffix) {
    int offset = a.length() - lowerSuffix.length();
    if (offset < 0) {
      return false;
    }
    for (int i = 0; i < lowerSuffix.length(); i++) {
      if (toLower(a.charAt(offset + i)) != lowerSuffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The hash of the lower-case form of {@code a}, as {@link String#hashCode} of it would be. */
  static int lowerHash(CharSequence a) {
    int h = 0;
    for (int i = 0; i < a.length(); i++) {
      h = 31 * h + toLower(a.charAt(i));
    }
    return h;
  }

  /**
   * Gateway API's path prefix: whole segments, a trailing slash of the prefix aside. {@code /api}
   * takes {@code /api}, {@code /api/} and {@code /api/x}, never {@code /apix}; {@code /} takes all.
   */
  static boolean segmentPrefix(CharSequence path, String prefix) {
    int n = prefix.length();
    if (n > 1 && prefix.charAt(n - 1) == '/') {
      n--;
    }
    if (n == 1) {
      return path.length() > 0 && path.charAt(0) == '/';
    }
    if (path.length() < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (path.charAt(i) != prefix.charAt(i)) {
        return false;
      }
    }
    return path.length() == n || path.charAt(n) == '/';
  }

  /**
   * Points {@code into} at the value of the first query parameter called {@code name} (its raw,
   * still percent-encoded text) and returns it, or returns null when there is none.
   */
  static CharSequence queryValue(CharSequence query, String name, Slice into) {
    if (query == null) {
      return null;
    }
    int start = 0;
    int length = query.length();
    while (start <= length) {
      int end = start;
      while (end < length && query.charAt(end) != '&') {
        end++;
      }
      int nameEnd = start;
      while (nameEnd < end && query.charAt(nameEnd) != '=') {
        nameEnd++;
      }
      if (nameEnd - start == name.length() && regionEquals(query, start, name)) {
        return into.of(query, Math.min(nameEnd + 1, end), end);
      }
      start = end + 1;
    }
    return null;
  }

  private static boolean regionEquals(CharSequence a, int from, String b) {
    for (int i = 0; i < b.length(); i++) {
      if (a.charAt(from + i) != b.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static char toLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  /** A reusable view of part of another sequence: nothing copied. */
  static final class Slice implements CharSequence {
    private CharSequence text;
    private int start;
    private int end;

    Slice of(CharSequence text, int start, int end) {
      this.text = text;
      this.start = start;
      this.end = end;
      return this;
    }

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return text.subSequence(start + from, start + to);
    }

    @Override
    public String toString() {
      return text.subSequence(start, end).toString();
    }
  }
}
