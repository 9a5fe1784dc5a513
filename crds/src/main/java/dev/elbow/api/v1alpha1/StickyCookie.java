package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Attributes of the cookie the load balancer issues for LB_COOKIE and APP_COOKIE sessions. */
public class StickyCookie {

  @Default("true")
  @JsonPropertyDescription("Whether the cookie is HttpOnly (hidden from scripts). Default true.")
  private Boolean httpOnly = true;

  @Default("/")
  @Size(min = 1, max = 256)
  @Pattern("^/[\\x21-\\x3a\\x3c-\\x7e]*$")
  @JsonPropertyDescription("The cookie's Path. Default /.")
  private String path = "/";

  @JsonPropertyDescription(
      "The cookie's SameSite attribute: Strict, Lax or None; left out, none is sent. The cookie is"
          + " Secure on HTTPS listeners whatever this says (browsers need Secure with None).")
  private SameSite sameSite;

  public Boolean getHttpOnly() {
    return httpOnly;
  }

  public void setHttpOnly(Boolean httpOnly) {
    this.httpOnly = httpOnly;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public SameSite getSameSite() {
    return sameSite;
  }

  public void setSameSite(SameSite sameSite) {
    this.sameSite = sameSite;
  }
}
