package dev.elbow.dataplane.hostile;

import static dev.elbow.dataplane.testing.Snapshots.httpCheck;
import static dev.elbow.dataplane.testing.Snapshots.member;

import dev.elbow.dataplane.testing.FuzzTally;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import dev.elbow.snapshot.SnapshotValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes the snapshot decoder the admin API's {@code PUT /v1/snapshot} runs: random and mutated
 * JSON either decodes to a snapshot the validator can judge, or fails with an {@link IOException}
 * that says where (which the admin API answers 400). Any other exception fails the property.
 */
@Tag("reliability")
class SnapshotDecoderFuzzTest {

  private static final FuzzTally TALLY = new FuzzTally();

  private static final String VALID =
      new String(
          SnapshotJson.toBytes(
              new Snapshot(
                  7,
                  List.of(
                      new ListenerConfig(
                          "ns/web",
                          ListenerProtocol.HTTP,
                          8080,
                          "ns/web",
                          new ListenerTimeouts(300, 300, 60, 60, 60),
                          null),
                      Snapshots.listener("ns/dns", ListenerProtocol.UDP, 53, "ns/dns")),
                  List.of(
                      new GroupConfig(
                          "ns/web",
                          BackendProtocol.HTTP,
                          Algorithm.LEAST_CONNECTIONS,
                          List.of(member(8081, 1), member(8082, 3)),
                          httpCheck(5, 2, 3)),
                      Snapshots.uncheckedGroup("ns/dns", BackendProtocol.UDP, 5353)))),
          StandardCharsets.UTF_8);

  private static final List<String> VALUES =
      List.of(
          "null",
          "-1",
          "0",
          "65536",
          "99999999999999999999999",
          "1e400",
          "1.5",
          "true",
          "\"\"",
          "\"x\"",
          "\"\\u0000\"",
          "[]",
          "{}",
          "[null]",
          "{\"a\":1}",
          "\"HTTP\"",
          "\"QUIC_CID\"",
          "[".repeat(3000) + "]".repeat(3000));

  @Property(tries = 3000)
  void mutatedSnapshots(@ForAll("mutated") String json) {
    decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void randomBytes(@ForAll byte[] bytes) {
    decode(bytes);
  }

  private static void decode(byte[] json) {
    TALLY.check(
        () -> {
          Snapshot snapshot;
          try {
            snapshot = SnapshotJson.read(json, Snapshot.class);
          } catch (IOException refused) {
            return; // a clean refusal, with the location of the problem
          }
          TALLY.accept();
          SnapshotValidator.validate(snapshot); // must judge, not throw
        });
  }

  /** The valid snapshot with values swapped for hostile ones and characters inserted or cut. */
  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<int[]> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, VALID.length() - 1),
                Arbitraries.integers().between(0, VALUES.size() - 1))
            .as((kind, at, value) -> new int[] {kind, at, value});
    return edit.list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(
            edits -> {
              StringBuilder json = new StringBuilder(VALID);
              for (int[] e : edits) {
                int at = Math.min(e[1], json.length() - 1);
                switch (e[0]) {
                  case 0 -> replaceValueAfter(json, at, VALUES.get(e[2]));
                  case 1 -> json.deleteCharAt(at);
                  default -> json.insert(at, "{}[],:\"\\0 ".charAt(e[2] % 10));
                }
              }
              return json.toString();
            });
  }

  /** Replaces the value that follows the first colon at or after {@code at}. */
  private static void replaceValueAfter(StringBuilder json, int at, String value) {
    int colon = json.indexOf(":", at);
    if (colon < 0) {
      return;
    }
    int end = colon + 1;
    int depth = 0;
    boolean inString = false;
    for (; end < json.length(); end++) {
      char c = json.charAt(end);
      if (c == '"' && json.charAt(end - 1) != '\\') {
        inString = !inString;
      } else if (!inString && (c == '[' || c == '{')) {
        depth++;
      } else if (!inString && (c == ']' || c == '}')) {
        if (depth-- == 0) {
          break;
        }
      } else if (!inString && c == ',' && depth == 0) {
        break;
      }
    }
    json.replace(colon + 1, end, value);
  }

  @AfterContainer
  static void record() {
    TALLY.record(
        "fuzz: snapshot decoder",
        t -> t.inputs() + " inputs (" + t.accepted() + " decoded and validated)",
        "random bytes, valid snapshot JSON with hostile values, cut or stray characters",
        "each input decoded and judged by the validator or refused with an IOException, nothing"
            + " else thrown");
  }
}
