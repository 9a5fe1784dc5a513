package dev.elbow.dataplane.routing;

import dev.elbow.snapshot.HttpRule;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A forwarding rule's header changes, ready for both HTTP versions: the names to drop (removed and
 * set ones) and the lines to append (set and added ones), as bytes for heads written from bytes.
 */
public final class HeaderRewrite {

  private final String[] drop; // lower case
  private final byte[] appended;
  private final HttpRule.HeaderModifier modifier;

  private HeaderRewrite(HttpRule.HeaderModifier modifier) {
    this.modifier = modifier;
    Set<String> names = new LinkedHashSet<>();
    modifier.remove().forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
    modifier.set().forEach(h -> names.add(h.name().toLowerCase(Locale.ROOT)));
    drop = names.toArray(String[]::new);
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (HttpRule.Header header : modifier.set()) {
      lines.writeBytes(line(header));
    }
    for (HttpRule.Header header : modifier.add()) {
      lines.writeBytes(line(header));
    }
    appended = lines.toByteArray();
  }

  /** The rewrite of a modifier, or null when there is nothing to change. */
  public static HeaderRewrite of(HttpRule.HeaderModifier modifier) {
    return modifier == null
            || (modifier.set().isEmpty() && modifier.add().isEmpty() && modifier.remove().isEmpty())
        ? null
        : new HeaderRewrite(modifier);
  }

  private static byte[] line(HttpRule.Header header) {
    return (header.name() + ": " + header.value() + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Whether the header whose name is at {@code [start, end)} of {@code buf} is dropped. */
  public boolean drops(ByteBuf buf, int start, int end) {
    for (String name : drop) {
      if (end - start != name.length()) {
        continue;
      }
      boolean same = true;
      for (int i = 0; i < name.length() && same; i++) {
        int b = buf.getByte(start + i);
        same = (b >= 'A' && b <= 'Z' ? b + 32 : b) == name.charAt(i);
      }
      if (same) {
        return true;
      }
    }
    return false;
  }

  /** The header lines to append, CRLF-terminated. */
  public byte[] appended() {
    return appended;
  }

  /** The same changes on a header map (the HTTP/2 path). */
  public void apply(HttpHeaders headers) {
    for (String name : drop) {
      headers.remove(name);
    }
    for (HttpRule.Header header : modifier.set()) {
      headers.add(header.name(), header.value());
    }
    for (HttpRule.Header header : modifier.add()) {
      headers.add(header.name(), header.value());
    }
  }

  /** The same changes on HTTP/2 headers, whose names are lower case. */
  public void apply(Http2Headers headers) {
    for (String name : drop) {
      headers.remove(name);
    }
    for (HttpRule.Header header : modifier.set()) {
      headers.add(header.name().toLowerCase(Locale.ROOT), header.value());
    }
    for (HttpRule.Header header : modifier.add()) {
      headers.add(header.name().toLowerCase(Locale.ROOT), header.value());
    }
  }
}
