package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What a request must have, all of it, for a forwarding rule to take it. */
public class RuleMatch {

  @JsonPropertyDescription("The path; left out: every path (PathPrefix /).")
  private PathMatch path;

  @Pattern("^[A-Z]+$")
  @JsonPropertyDescription("The method, exactly (GET, POST, ...); left out: any.")
  private String method;

  @Size(max = 16)
  @JsonPropertyDescription("Headers the request must carry with these values, at most 16.")
  private List<ValueMatch> headers;

  @Size(max = 16)
  @JsonPropertyDescription("Query parameters the request must carry with these values, at most 16.")
  private List<ValueMatch> queryParams;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Client address ranges (CIDR, such as 10.0.0.0/8), at most 32: the client must be in one."
          + " Behind a trusted load balancer (proxyProtocolFrom), the client its PROXY header"
          + " names. Left out: any client.")
  private List<String> sourceRanges;

  public RuleMatch() {}

  public List<String> getSourceRanges() {
    return sourceRanges;
  }

  public void setSourceRanges(List<String> sourceRanges) {
    this.sourceRanges = sourceRanges;
  }

  public RuleMatch(PathMatch path) {
    this.path = path;
  }

  public PathMatch getPath() {
    return path;
  }

  public void setPath(PathMatch path) {
    this.path = path;
  }

  public String getMethod() {
    return method;
  }

  public void setMethod(String method) {
    this.method = method;
  }

  public List<ValueMatch> getHeaders() {
    return headers;
  }

  public void setHeaders(List<ValueMatch> headers) {
    this.headers = headers;
  }

  public List<ValueMatch> getQueryParams() {
    return queryParams;
  }

  public void setQueryParams(List<ValueMatch> queryParams) {
    this.queryParams = queryParams;
  }
}
