package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.Algorithm;
import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.NatRebinder;
import dev.elbow.dataplane.testing.QuicEndpoints;
import io.fabric8.kubernetes.api.model.Condition;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.quic.QuicChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A QUIC group with the QUIC_CID algorithm applied through the API server: real QUIC clients moved
 * to a new port by a NAT mid-connection keep their connection and their member.
 */
class QuicEndToEndIT {

  private static ElbowUnderTest elbow;
  private static EventLoopGroup loops;
  private static Channel serverA;
  private static Channel serverB;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    elbow = ElbowUnderTest.start("quic");
    loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    serverA = QuicEndpoints.server(loops, "a");
    serverB = QuicEndpoints.server(loops, "b");
    port = FreePorts.next();
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
    serverA.close().syncUninterruptibly();
    serverB.close().syncUninterruptibly();
    loops.shutdownGracefully().syncUninterruptibly();
  }

  private static int portOf(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Test
  void quicClientsKeepTheirMemberAcrossANatRebinding() throws Exception {
    // The default health check: a QUIC probe the servers answer with version negotiation.
    BackendServerGroup quic =
        group(
            elbow.namespace,
            "h3",
            BackendProtocol.QUIC,
            new HealthCheck(),
            List.of(
                new Member("127.0.0.1", portOf(serverA), 1),
                new Member("127.0.0.1", portOf(serverB), 1)));
    quic.getSpec().setAlgorithm(Algorithm.QUIC_CID);
    elbow.kube.resource(quic).create();
    elbow.kube.resource(listener(elbow.namespace, "h3", ListenerProtocol.UDP, port, "h3")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Listener current =
                  elbow
                      .kube
                      .resources(Listener.class)
                      .inNamespace(elbow.namespace)
                      .withName("h3")
                      .get();
              assertThat(current.getStatus()).isNotNull();
              assertThat(condition(current.getStatus().getConditions(), "Ready"))
                  .get()
                  .extracting(Condition::getStatus)
                  .isEqualTo("True");
            });

    for (int i = 0; i < 4; i++) {
      try (NatRebinder nat = new NatRebinder(port)) {
        QuicChannel connection = QuicEndpoints.connect(loops, nat.port());
        String before = QuicEndpoints.ask(connection, "before");
        String member = before.substring(0, before.indexOf(':'));
        nat.rebind();
        assertThat(QuicEndpoints.ask(connection, "after")).isEqualTo(member + ":after");
        connection.close().sync();
      }
    }
  }
}
