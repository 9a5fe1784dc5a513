package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A redirect, as Gateway API's RequestRedirect filter: what is left out keeps the request's. */
@ValidationRule(
    value = "!has(self.statusCode) || self.statusCode in [301, 302, 303, 307, 308]",
    message = "statusCode must be 301, 302, 303, 307 or 308",
    fieldPath = ".statusCode",
    reason = "FieldValueInvalid")
public class RuleRedirect {

  @Pattern("^https?$")
  @JsonPropertyDescription("http or https; left out: the request's.")
  private String scheme;

  @Size(min = 1, max = 253)
  @JsonPropertyDescription("The host to send the client to; left out: the request's.")
  private String hostname;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription(
      "The port; left out: the well-known port of scheme when scheme is given, else the"
          + " listener's.")
  private Integer port;

  @Pattern("^/[^\\s?#]*$")
  @JsonPropertyDescription("The whole new path; left out: the request's. The query is kept.")
  private String path;

  @Default("302")
  @JsonPropertyDescription("301, 302, 303, 307 or 308.")
  private Integer statusCode = 302;

  public RuleRedirect() {}

  public RuleRedirect(String scheme, String hostname, Integer port, String path, int statusCode) {
    this.scheme = scheme;
    this.hostname = hostname;
    this.port = port;
    this.path = path;
    this.statusCode = statusCode;
  }

  public String getScheme() {
    return scheme;
  }

  public void setScheme(String scheme) {
    this.scheme = scheme;
  }

  public String getHostname() {
    return hostname;
  }

  public void setHostname(String hostname) {
    this.hostname = hostname;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Integer getStatusCode() {
    return statusCode;
  }

  public void setStatusCode(Integer statusCode) {
    this.statusCode = statusCode;
  }
}
