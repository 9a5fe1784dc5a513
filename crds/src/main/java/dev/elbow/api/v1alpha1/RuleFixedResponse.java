package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/** An answer the load balancer gives itself, as ALB's fixed-response action. */
public class RuleFixedResponse {

  @Min(200)
  @Max(599)
  @Default("200")
  @JsonPropertyDescription("The status code, 200-599.")
  private Integer statusCode = 200;

  @Size(max = 256)
  @JsonPropertyDescription("The Content-Type; left out: text/plain; charset=utf-8.")
  private String contentType;

  @Size(max = 4096)
  @JsonPropertyDescription("The body, at most 4096 characters, sent as UTF-8.")
  private String body;

  public RuleFixedResponse() {}

  public RuleFixedResponse(int statusCode, String contentType, String body) {
    this.statusCode = statusCode;
    this.contentType = contentType;
    this.body = body;
  }

  public Integer getStatusCode() {
    return statusCode;
  }

  public void setStatusCode(Integer statusCode) {
    this.statusCode = statusCode;
  }

  public String getContentType() {
    return contentType;
  }

  public void setContentType(String contentType) {
    this.contentType = contentType;
  }

  public String getBody() {
    return body;
  }

  public void setBody(String body) {
    this.body = body;
  }
}
