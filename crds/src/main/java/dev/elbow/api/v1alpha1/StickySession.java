package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Sticky sessions: a client keeps going to one member while that member takes traffic. */
@ValidationRule(
    value = "self.type != 'SOURCE_IP' || !has(self.timeoutMinutes) || self.timeoutMinutes <= 60",
    message = "timeoutMinutes is 1-60 for SOURCE_IP sessions",
    fieldPath = ".timeoutMinutes",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.type != 'APP_COOKIE' || has(self.appCookieName)",
    message = "APP_COOKIE sessions need appCookieName: the application cookie they follow",
    fieldPath = ".appCookieName",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "self.type == 'APP_COOKIE' || !has(self.appCookieName)",
    message = "appCookieName applies only to APP_COOKIE sessions; remove it",
    fieldPath = ".appCookieName",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "self.type != 'SOURCE_IP' || !has(self.cookie)",
    message = "cookie applies only to LB_COOKIE and APP_COOKIE sessions; remove it",
    fieldPath = ".cookie",
    reason = "FieldValueForbidden")
public class StickySession {

  @Required
  @JsonPropertyDescription(
      "SOURCE_IP (TCP and UDP groups: the client's IP address), LB_COOKIE (HTTP and HTTPS"
          + " groups: a cookie Elbow issues, ELBOW_LB, naming the member opaquely) or APP_COOKIE"
          + " (HTTP and HTTPS groups: while the client sends the application's cookie, its"
          + " requests go to the member that set it, named by Elbow's ELBOW_APP cookie).")
  private StickySessionType type;

  @Min(1)
  @Max(1440)
  @JsonPropertyDescription(
      "SOURCE_IP: minutes an idle client is remembered, 1-60 (default 20). Cookies: the cookie's"
          + " lifetime in minutes, 1-1440 (default 1440), renewed by each response for LB_COOKIE.")
  private Integer timeoutMinutes;

  @Size(min = 1, max = 64)
  @Pattern("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")
  @JsonPropertyDescription("APP_COOKIE: the name of the application's cookie, e.g. JSESSIONID.")
  private String appCookieName;

  @JsonPropertyDescription("LB_COOKIE and APP_COOKIE: attributes of the cookie Elbow issues.")
  private StickyCookie cookie;

  public StickySessionType getType() {
    return type;
  }

  public void setType(StickySessionType type) {
    this.type = type;
  }

  public Integer getTimeoutMinutes() {
    return timeoutMinutes;
  }

  public void setTimeoutMinutes(Integer timeoutMinutes) {
    this.timeoutMinutes = timeoutMinutes;
  }

  public String getAppCookieName() {
    return appCookieName;
  }

  public void setAppCookieName(String appCookieName) {
    this.appCookieName = appCookieName;
  }

  public StickyCookie getCookie() {
    return cookie;
  }

  public void setCookie(StickyCookie cookie) {
    this.cookie = cookie;
  }
}
