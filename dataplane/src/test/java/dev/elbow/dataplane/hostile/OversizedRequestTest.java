package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.snapshot.ListenerTimeouts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Request heads past the limits: a request line over 8 KiB gets 414, a head over 16 KiB or with
 * more than 100 header lines gets 431, and none of it reaches the member; heads just under the
 * limits are served.
 */
@Tag("reliability")
class OversizedRequestTest {

  private final HostileHttp http = new HostileHttp(ListenerTimeouts.DEFAULTS);

  @AfterEach
  void stop() {
    http.close();
  }

  private static String get(String target, String headers) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n";
  }

  private static String manyHeaders(int count, int valueLength) {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < count; i++) {
      headers.append("X-H").append(i).append(": ").append("v".repeat(valueLength)).append("\r\n");
    }
    return headers.toString();
  }

  @Test
  void headsOverTheLimitsAreRefusedAndHeadsUnderThemServed() {
    Map<String, String[]> refused = new LinkedHashMap<>();
    refused.put("a 9 KiB target", new String[] {"414", get("/" + "a".repeat(9 * 1024), "")});
    refused.put(
        "9 KiB of request line without its end",
        new String[] {"414", "GET /" + "a".repeat(9 * 1024)});
    refused.put("a 20 KiB header", new String[] {"431", get("/", "X-Big: " + "b".repeat(20_000))});
    refused.put("101 header lines", new String[] {"431", get("/", manyHeaders(101, 1))});
    refused.put("17 KiB over 40 lines", new String[] {"431", get("/", manyHeaders(40, 430))});
    refused.forEach(
        (name, attempt) ->
            assertThat(RawHttp.exchange(http.port, attempt[1], 2_000))
                .as(name)
                .startsWith("HTTP/1.1 " + attempt[0])
                .contains("connection: close"));
    assertThat(http.backend.raw()).as("bytes that reached the member").isEmpty();

    String target = "/" + "a".repeat(7 * 1024);
    String[] served = {
      get(target, "Connection: close\r\n"),
      get("/", manyHeaders(97, 1) + "Connection: close\r\n"),
      get("/", manyHeaders(30, 430) + "Connection: close\r\n")
    };
    for (String request : served) {
      assertThat(RawHttp.exchange(http.port, request, 2_000)).startsWith("HTTP/1.1 200");
    }
    assertThat(http.backend.requests()).hasSize(3);
    assertThat(http.backend.requests().get(0).uri()).isEqualTo(target);
    ReliabilityRows.record(
        "HTTP oversized request line and head",
        refused.size() + " oversized heads, " + served.length + " just under the limits",
        "request line over 8 KiB, head over 16 KiB, over 100 header lines",
        refused.size() + served.length,
        refused.size(),
        "all "
            + refused.size()
            + " refused as intended (414 for the request line, 431 for the head), none forwarded;"
            + " the "
            + served.length
            + " heads under the limits 200");
  }
}
