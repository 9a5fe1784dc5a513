package dev.elbow.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.HttpRule.FixedResponse;
import dev.elbow.snapshot.HttpRule.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A redirect's Location as Gateway API's RequestRedirect works it out; a fixed response's body. */
class DirectAnswerTest {

  private record Request(String host, String path, String query) implements HttpRequestView {
    @Override
    public CharSequence method() {
      return "GET";
    }

    @Override
    public CharSequence header(String name) {
      return null;
    }
  }

  private static DirectAnswer redirect(String scheme, String host, Integer port, String path) {
    return DirectAnswer.of(
        new HttpRule(null, null, List.of(), new Redirect(scheme, host, port, path, 301), null));
  }

  private static final Request REQUEST = new Request("old.example.com", "/a/b", "x=1");

  @Test
  void whatTheRuleLeavesOutKeepsTheRequests() {
    assertThat(redirect(null, "new.example.com", null, null).location(REQUEST, false, 80, null))
        .isEqualTo("http://new.example.com/a/b?x=1");
    assertThat(redirect(null, null, null, "/c").location(REQUEST, true, 443, null))
        .isEqualTo("https://old.example.com/c?x=1");
    assertThat(redirect(null, null, null, null).location(REQUEST, false, 8080, null))
        .as("the listener's port, not a well-known one")
        .isEqualTo("http://old.example.com:8080/a/b?x=1");
  }

  @Test
  void aNewSchemeTakesItsWellKnownPortUnlessThePortIsGiven() {
    assertThat(redirect("https", null, null, null).location(REQUEST, false, 8080, null))
        .isEqualTo("https://old.example.com/a/b?x=1");
    assertThat(redirect("https", null, 8443, null).location(REQUEST, false, 80, null))
        .isEqualTo("https://old.example.com:8443/a/b?x=1");
    assertThat(redirect(null, null, 8443, null).status()).isEqualTo(301);
  }

  @Test
  void withoutAHostTheLocationIsAPath() {
    assertThat(
            redirect("https", null, null, "/c")
                .location(new Request(null, "/", null), false, 80, null))
        .isEqualTo("/c");
    assertThat(
            redirect("https", null, null, "/c")
                .location(new Request(null, "/", null), false, 80, "10.0.0.1"))
        .as("an HTTP/1.0 request without Host: the listener's address")
        .isEqualTo("https://10.0.0.1/c");
  }

  @Test
  void aFixedResponseHasItsBodyAndAPlainTextDefault() {
    DirectAnswer fixed =
        DirectAnswer.of(new HttpRule(null, null, null, null, new FixedResponse(503, null, "é")));
    assertThat(fixed.status()).isEqualTo(503);
    assertThat(fixed.contentType()).isEqualTo("text/plain; charset=utf-8");
    assertThat(new String(fixed.body(), StandardCharsets.UTF_8)).isEqualTo("é");
    assertThat(fixed.location(REQUEST, false, 80, null)).isNull();
    assertThat(DirectAnswer.of(new HttpRule(null, null, null))).isNull();
  }
}
