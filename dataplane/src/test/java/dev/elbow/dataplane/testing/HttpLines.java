package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.io.InputStream;

/** Reads the lines of an HTTP/1 head from a bare stream, for the tests' own clients and servers. */
public final class HttpLines {

  private HttpLines() {}

  /** The next line without its CRLF (or LF), or null at the end of the stream. */
  public static String read(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r'
            ? line.substring(0, end - 1)
            : line.toString();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }
}
