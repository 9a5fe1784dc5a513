package dev.elbow.dataplane.routing;

import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.tcpCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.SameSite;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** SOURCE_IP stickiness and the cookies of cookie stickiness, with a clock the test moves. */
class StickySessionsTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final long MINUTE = 60_000_000_000L;

  private final AtomicLong clock = new AtomicLong(MINUTE);
  private RoutingTable table = RoutingTable.empty(new byte[32], clock::get);
  private long version;

  private GroupRuntime serve(BackendProtocol protocol, StickySession sticky, int... weights) {
    List<MemberConfig> members = new java.util.ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      members.add(member(8001 + i, weights[i]));
    }
    GroupConfig group =
        new GroupConfig(
            "ns/g",
            protocol,
            Algorithm.ROUND_ROBIN,
            members,
            tcpCheck(5, 2, 1),
            null,
            null,
            sticky,
            null);
    ListenerProtocol listener =
        protocol == BackendProtocol.HTTP ? ListenerProtocol.HTTP : ListenerProtocol.TCP;
    table =
        RoutingTable.build(
            new Snapshot(
                ++version, List.of(listener("ns/l", listener, 7000, "ns/g")), List.of(group)),
            table,
            NOW);
    GroupRuntime runtime = table.group("ns/g");
    runtime.members().forEach(m -> m.health().recordSuccess(NOW));
    runtime.refresh();
    return runtime;
  }

  private static StickySession sourceIp(int minutes) {
    return new StickySession(StickySessionType.SOURCE_IP, minutes, null, false, null, null);
  }

  private static InetAddress client(int n) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, 1, (byte) (n >> 8), (byte) n});
  }

  @Test
  void aClientKeepsItsMemberFor1000ConnectionsWhileRoundRobinGoesOn() throws Exception {
    GroupRuntime group = serve(BackendProtocol.TCP, sourceIp(20), 1, 1, 1);
    Set<Integer> used = new HashSet<>();
    for (int c = 0; c < 30; c++) {
      Member first = group.pickFor(client(c));
      used.add(first.config().port());
      for (int i = 0; i < 1000; i++) {
        assertThat(group.pickFor(client(c))).isSameAs(first);
      }
    }
    assertThat(used).as("new clients still go round robin").hasSize(3);
  }

  @Test
  void aClientWhoseMemberFailsOrDrainsMovesAndStaysOnTheNewOne() throws Exception {
    GroupRuntime group = serve(BackendProtocol.TCP, sourceIp(20), 1, 1, 1);
    Member first = group.pickFor(client(1));
    first.health().recordFailure("connection refused", NOW);
    group.refresh();
    Member second = group.pickFor(client(1));
    assertThat(second).isNotSameAs(first).isNotNull();
    for (int i = 0; i < 100; i++) {
      assertThat(group.pickFor(client(1))).isSameAs(second);
    }

    // Weight 0 for the new member: the session moves again; the table survives the snapshot.
    int[] weights = {1, 1, 1};
    weights[second.config().port() - 8001] = 0;
    group = serve(BackendProtocol.TCP, sourceIp(20), weights);
    Member third = group.pickFor(client(1));
    assertThat(third.config().port()).isNotEqualTo(second.config().port());
    assertThat(group.sourceIpSessions().size()).isEqualTo(1);
  }

  @Test
  void sessionsExpireAfterTheTimeoutAndTheSweepFreesThem() throws Exception {
    GroupRuntime group = serve(BackendProtocol.TCP, sourceIp(5), 1, 1);
    Member first = group.pickFor(client(1));
    clock.addAndGet(4 * MINUTE);
    assertThat(group.pickFor(client(1))).as("used again within 5 min").isSameAs(first);
    clock.addAndGet(4 * MINUTE);
    assertThat(group.pickFor(client(1))).as("4 min idle, still within").isSameAs(first);
    group.pickFor(client(2));
    clock.addAndGet(6 * MINUTE);
    group.sourceIpSessions().sweep();
    assertThat(group.sourceIpSessions().size()).isZero();
  }

  @Test
  void theTableIsBounded() throws Exception {
    SourceIpSessions sessions = new SourceIpSessions(20, 100, clock::get);
    for (int c = 0; c < 150; c++) {
      sessions.remember(client(c), "127.0.0.1:8001");
    }
    assertThat(sessions.size()).isEqualTo(100);
    assertThat(sessions.notRemembered()).isEqualTo(50);
    clock.addAndGet(21 * MINUTE);
    sessions.sweep();
    sessions.remember(client(149), "127.0.0.1:8001");
    assertThat(sessions.endpointOf(client(149))).isEqualTo("127.0.0.1:8001");
  }

  @Test
  void cookiesNameMembersOpaquelyAndCarryTheAttributes() {
    StickySession sticky =
        new StickySession(StickySessionType.LB_COOKIE, 60, null, true, "/app", SameSite.LAX);
    GroupRuntime group = serve(BackendProtocol.HTTP, sticky, 1, 1);
    StickyCookies cookies = group.cookies();
    Member member = group.members().get(0);
    String value = cookies.setCookieValue(member, false);
    assertThat(value)
        .matches("ELBOW_LB=[0-9a-f]{16}; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax")
        .doesNotContain("127.0.0.1")
        .doesNotContain("8001");
    assertThat(cookies.setCookieValue(member, true)).endsWith("; SameSite=Lax; Secure");
    String token = value.substring("ELBOW_LB=".length(), value.indexOf(';'));
    assertThat(cookies.member(StickyCookies.parseToken(token, 0, token.length()))).isSameAs(member);
    assertThat(
            new String(
                cookies.setCookieLine(member, false), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("set-cookie: " + value + "\r\n");

    // The same key gives the same token in the next snapshot (and in every replica); another key
    // gives another, so tokens cannot be made up without the secret.
    GroupRuntime again = serve(BackendProtocol.HTTP, sticky, 1, 1);
    assertThat(again.cookies().setCookieValue(again.members().get(0), false)).isEqualTo(value);
    assertThat(StickyCookies.token(new byte[32], "ns/g", "127.0.0.1:8001"))
        .isNotEqualTo(
            StickyCookies.token(StickyCookies.keyFrom("other"), "ns/g", "127.0.0.1:8001"));

    // A member that cannot take traffic is not returned for its token.
    member.health().recordFailure("HTTP 503", NOW);
    group.refresh();
    assertThat(cookies.member(StickyCookies.parseToken(token, 0, token.length()))).isNull();
    assertThat(StickyCookies.parseToken("not-a-token-at-all", 0, 18)).isZero();
  }

  @Test
  void cookieValuesAreFoundInCookieHeaders() {
    assertThat(StickyCookies.cookieValue(List.of("a=1; ELBOW_LB=abc; b=2"), "ELBOW_LB"))
        .isEqualTo("abc");
    assertThat(StickyCookies.cookieValue(List.of("a=1", "ELBOW_LB=x"), "ELBOW_LB")).isEqualTo("x");
    assertThat(StickyCookies.cookieValue(List.of("XELBOW_LB=1; ELBOW_LBX=2"), "ELBOW_LB")).isNull();
    assertThat(StickyCookies.setsCookie(List.of("JSESSIONID=1; Path=/"), "JSESSIONID")).isTrue();
    assertThat(StickyCookies.setsCookie(List.of("other=JSESSIONID=1"), "JSESSIONID")).isFalse();
  }
}
