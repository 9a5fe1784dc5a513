package dev.elbow.dataplane.routing;

/**
 * What {@link HttpRouter} reads of a request, whatever the HTTP version: the HTTP/1 path answers
 * from views over the bytes it parsed in place, HTTP/2 from the decoded headers. An implementation
 * that reuses its views keeps routing free of allocation.
 */
public interface HttpRequestView {

  /** The host the request is for, without a port; null when it names none. */
  CharSequence host();

  /** The path, without the query string. */
  CharSequence path();

  CharSequence method();

  /** The first value of a header, or null; {@code name} is lower case. */
  CharSequence header(String name);

  /** The query string after '?', or null when there is none. */
  CharSequence query();

  /** The client's address (a trusted upstream's PROXY header's, if any); null when unknown. */
  default java.net.InetAddress client() {
    return null;
  }
}
