package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.routing.HttpRequestView;
import io.netty.buffer.ByteBuf;

/**
 * A request head parsed in place, as forwarding rules read it: views over the bytes, reused for
 * every request of the connection, so routing copies and allocates nothing.
 */
final class Http1RequestView implements HttpRequestView {

  private static final byte[][] SCHEMES = {
    KnownHeaders.ascii("http://"), KnownHeaders.ascii("https://")
  };

  private final ByteSlice host = new ByteSlice();
  private final ByteSlice path = new ByteSlice();
  private final ByteSlice method = new ByteSlice();
  private final ByteSlice query = new ByteSlice();
  private final ByteSlice header = new ByteSlice();
  private ByteBuf in;
  private Http1Head head;
  private boolean hasQuery;
  private boolean hasHost;
  private java.net.InetAddress client;

  /** The connection's client, for rules that match source ranges. */
  Http1RequestView client(java.net.InetAddress address) {
    client = address;
    return this;
  }

  @Override
  public java.net.InetAddress client() {
    return client;
  }

  /** Points the view at a request head; valid until the buffer moves on. */
  Http1RequestView of(ByteBuf buf, Http1Head request) {
    in = buf;
    head = request;
    method.of(buf, request.methodStart, request.methodEnd);
    int q = buf.indexOf(request.targetStart, request.targetEnd, (byte) '?');
    int targetEnd = q < 0 ? request.targetEnd : q;
    hasQuery = q >= 0;
    if (hasQuery) {
      query.of(buf, q + 1, request.targetEnd);
    }
    hasHost = false;
    int authority = absoluteFormAuthority(buf, request.targetStart, targetEnd);
    if (authority >= 0) {
      // "GET http://shop.example.com/admin": the target's host and path are the request's (RFC
      // 9112 3.2.2), whatever Host says; rules must see the path the member will serve.
      int slash = buf.indexOf(authority, targetEnd, (byte) '/');
      int authorityEnd = slash < 0 ? targetEnd : slash;
      hostWithoutPort(buf, authority, authorityEnd);
      path.of(buf, slash < 0 ? -1 : slash, slash < 0 ? -1 : targetEnd);
      return this;
    }
    path.of(buf, request.targetStart, targetEnd);
    for (int i = 0; i < request.headerCount; i++) {
      if (request.kind[i] == KnownHeaders.HOST) { // the parser named it already
        hostWithoutPort(buf, request.valueStart[i], request.valueEnd[i]);
        break;
      }
    }
    return this;
  }

  /** Where the authority of an absolute-form target ("http://host...") begins, or -1. */
  private static int absoluteFormAuthority(ByteBuf buf, int start, int end) {
    for (byte[] scheme : SCHEMES) {
      if (end - start >= scheme.length
          && KnownHeaders.tokenIs(buf, start, start + scheme.length, scheme)) {
        return start + scheme.length;
      }
    }
    return -1;
  }

  /** "example.com:8080" and "[::1]:8080" without the port. */
  private void hostWithoutPort(ByteBuf buf, int start, int end) {
    int colon = buf.indexOf(end, start, (byte) ':'); // the last one
    if (colon > start && buf.getByte(end - 1) != ']' && buf.getByte(colon - 1) != ':') {
      end = colon;
    }
    host.of(buf, start, end);
    hasHost = end > start;
  }

  @Override
  public CharSequence host() {
    return hasHost ? host : null;
  }

  @Override
  public CharSequence path() {
    return path.length() == 0 ? "/" : path; // "http://host" names no path: "/"
  }

  @Override
  public CharSequence method() {
    return method;
  }

  @Override
  public CharSequence header(String name) {
    int i = find(name);
    return i < 0 ? null : header.of(in, head.valueStart[i], head.valueEnd[i]);
  }

  @Override
  public CharSequence query() {
    return hasQuery ? query : null;
  }

  /** The index of the first header called {@code name} (lower case), or -1. */
  private int find(String name) {
    for (int i = 0; i < head.headerCount; i++) {
      int start = head.nameStart[i];
      if (head.nameEnd[i] - start != name.length()) {
        continue;
      }
      boolean same = true;
      for (int j = 0; j < name.length() && same; j++) {
        int b = in.getByte(start + j);
        same = (b >= 'A' && b <= 'Z' ? b + 32 : b) == name.charAt(j);
      }
      if (same) {
        return i;
      }
    }
    return -1;
  }

  /** Part of a buffer as characters (ISO-8859-1): nothing copied. */
  private static final class ByteSlice implements CharSequence {
    private ByteBuf buf;
    private int start;
    private int end;

    ByteSlice of(ByteBuf buf, int start, int end) {
      this.buf = buf;
      this.start = Math.max(start, 0);
      this.end = Math.max(end, 0);
      return this;
    }

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      return (char) (buf.getByte(start + index) & 0xff);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return toString().substring(from, to);
    }

    @Override
    public String toString() {
      return buf.toString(start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
