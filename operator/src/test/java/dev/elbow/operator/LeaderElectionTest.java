package dev.elbow.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

  @Test
  void theElectorsClientFailsFastWithinTheLeasesMargin() {
    Config base = new ConfigBuilder().withMasterUrl("https://127.0.0.1:6443").build();
    Config chart =
        new LeaderElection(
                "ns",
                "lease",
                "me",
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2))
            .failFast(base);
    assertThat(chart.getRequestRetryBackoffLimit()).as("no retries").isZero();
    assertThat(chart.getRequestTimeout()).as("half of 15 - 10 - 2 s").isEqualTo(1_500);
    assertThat(chart.getConnectionTimeout()).isEqualTo(1_500);
    assertThat(chart.getMasterUrl()).isEqualTo(base.getMasterUrl());

    Config tight =
        new LeaderElection(
                "ns",
                "lease",
                "me",
                Duration.ofSeconds(10),
                Duration.ofSeconds(8),
                Duration.ofSeconds(1))
            .failFast(base);
    assertThat(tight.getRequestTimeout()).isEqualTo(500);
  }
}
