package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.check;
import static dev.elbow.operator.it.Resources.group;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.api.v1alpha1.Algorithm;
import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.api.v1alpha1.PassiveHealth;
import dev.elbow.api.v1alpha1.SlowStart;
import dev.elbow.api.v1alpha1.StickyCookie;
import dev.elbow.api.v1alpha1.StickySession;
import dev.elbow.api.v1alpha1.StickySessionType;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server refuses traffic-policy settings that do not fit the group, naming the rule. */
class TrafficPolicyCrdIT {

  private static KubernetesClient kube;
  private static String namespace;

  @BeforeAll
  static void cluster() {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace("policy");
  }

  private static BackendServerGroup groupOf(
      String name, BackendProtocol protocol, Consumer<BackendServerGroup> change) {
    BackendServerGroup group =
        group(
            namespace,
            name,
            protocol,
            protocol == BackendProtocol.HTTP ? check(5, 3, 3, 3, "/healthz") : null,
            List.of(new Member("10.0.0.1", 8080, 1)));
    change.accept(group);
    return group;
  }

  private static StickySession sticky(StickySessionType type) {
    StickySession sticky = new StickySession();
    sticky.setType(type);
    return sticky;
  }

  private static void assertRefused(BackendServerGroup group, String... messageParts) {
    Resources.assertRefused(kube, group, messageParts);
  }

  @Test
  void acceptsStickySessionsAndSlowStartAndFillsInDefaults() {
    BackendServerGroup created =
        kube.resource(
                groupOf(
                    "shop",
                    BackendProtocol.HTTP,
                    g -> {
                      StickySession sticky = sticky(StickySessionType.LB_COOKIE);
                      sticky.setCookie(new StickyCookie());
                      sticky.getCookie().setPath(null);
                      sticky.getCookie().setHttpOnly(null);
                      g.getSpec().setStickySession(sticky);
                      SlowStart slowStart = new SlowStart();
                      slowStart.setDurationSeconds(null);
                      g.getSpec().setSlowStart(slowStart);
                    }))
            .create();
    assertThat(created.getSpec().getSlowStart().getDurationSeconds()).isEqualTo(30);
    assertThat(created.getSpec().getStickySession().getCookie().getPath()).isEqualTo("/");
    assertThat(created.getSpec().getStickySession().getCookie().getHttpOnly()).isTrue();

    kube.resource(
            groupOf(
                "db",
                BackendProtocol.TCP,
                g -> {
                  g.getSpec().setAlgorithm(Algorithm.LEAST_CONNECTIONS);
                  g.getSpec().setStickySession(sticky(StickySessionType.SOURCE_IP));
                }))
        .create();
  }

  @Test
  void fillsInPassiveHealthDefaultsAndRefusesAnEjectionThatEndsBeforeItBegins() {
    BackendServerGroup created =
        kube.resource(
                groupOf(
                    "outliers",
                    BackendProtocol.HTTP,
                    g -> {
                      PassiveHealth passive = new PassiveHealth();
                      passive.setConsecutiveFailures(null);
                      passive.setPanicThresholdPercent(null);
                      g.getSpec().setPassiveHealth(passive);
                    }))
            .create();
    assertThat(created.getSpec().getPassiveHealth().getConsecutiveFailures()).isEqualTo(5);
    assertThat(created.getSpec().getPassiveHealth().getPanicThresholdPercent()).isEqualTo(50);

    assertRefused(
        groupOf(
            "outliers-backwards",
            BackendProtocol.HTTP,
            g -> {
              PassiveHealth passive = new PassiveHealth();
              passive.setBaseEjectionSeconds(600);
              passive.setMaxEjectionSeconds(60);
              g.getSpec().setPassiveHealth(passive);
            }),
        "spec.passiveHealth.maxEjectionSeconds",
        "must be at least baseEjectionSeconds");
    assertRefused(
        groupOf(
            "outliers-zero",
            BackendProtocol.HTTP,
            g -> {
              PassiveHealth passive = new PassiveHealth();
              passive.setConsecutiveFailures(0);
              g.getSpec().setPassiveHealth(passive);
            }),
        "spec.passiveHealth.consecutiveFailures",
        "greater than or equal to 1");
  }

  @Test
  void refusesSlowStartOutsideHttpRoundRobin() {
    assertRefused(
        groupOf("slow-tcp", BackendProtocol.TCP, g -> g.getSpec().setSlowStart(new SlowStart())),
        "spec.slowStart",
        "applies only to HTTP and HTTPS groups with algorithm ROUND_ROBIN");
    assertRefused(
        groupOf(
            "slow-lc",
            BackendProtocol.HTTP,
            g -> {
              g.getSpec().setAlgorithm(Algorithm.LEAST_CONNECTIONS);
              g.getSpec().setSlowStart(new SlowStart());
            }),
        "spec.slowStart",
        "with algorithm ROUND_ROBIN");
    assertRefused(
        groupOf(
            "slow-short",
            BackendProtocol.HTTP,
            g -> {
              SlowStart slowStart = new SlowStart();
              slowStart.setDurationSeconds(10);
              g.getSpec().setSlowStart(slowStart);
            }),
        "spec.slowStart.durationSeconds",
        "30");
  }

  @Test
  void refusesCookiesOnTcpAndSourceIpStickinessOnHttp() {
    assertRefused(
        groupOf(
            "cookie-tcp",
            BackendProtocol.TCP,
            g -> g.getSpec().setStickySession(sticky(StickySessionType.LB_COOKIE))),
        "spec.stickySession.type",
        "LB_COOKIE and APP_COOKIE apply to HTTP and HTTPS groups");
    assertRefused(
        groupOf(
            "ip-http",
            BackendProtocol.HTTP,
            g -> g.getSpec().setStickySession(sticky(StickySessionType.SOURCE_IP))),
        "spec.stickySession.type",
        "SOURCE_IP applies to TCP and UDP groups");
  }

  @Test
  void refusesStickinessWithHashingAlgorithmsAndAppCookiesWithoutAName() {
    assertRefused(
        groupOf(
            "hashed",
            BackendProtocol.TCP,
            g -> {
              g.getSpec().setAlgorithm(Algorithm.SOURCE_IP);
              g.getSpec().setStickySession(sticky(StickySessionType.SOURCE_IP));
            }),
        "spec.stickySession",
        "works with algorithm ROUND_ROBIN or LEAST_CONNECTIONS");
    assertRefused(
        groupOf(
            "no-name",
            BackendProtocol.HTTP,
            g -> g.getSpec().setStickySession(sticky(StickySessionType.APP_COOKIE))),
        "spec.stickySession.appCookieName",
        "APP_COOKIE sessions need appCookieName");
    assertRefused(
        groupOf(
            "long-ip",
            BackendProtocol.TCP,
            g -> {
              StickySession sticky = sticky(StickySessionType.SOURCE_IP);
              sticky.setTimeoutMinutes(90);
              g.getSpec().setStickySession(sticky);
            }),
        "spec.stickySession.timeoutMinutes",
        "1-60 for SOURCE_IP");
    assertRefused(
        groupOf(
            "quic-cid-on-tcp",
            BackendProtocol.TCP,
            g -> g.getSpec().setAlgorithm(Algorithm.QUIC_CID)),
        "spec.algorithm",
        "QUIC_CID needs protocol QUIC");
  }
}
