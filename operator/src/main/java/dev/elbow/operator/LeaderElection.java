package dev.elbow.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Leader election on a Lease: of several operator replicas only the holder works (reconciles,
 * pushes, writes status); the others wait, and one takes over within the lease duration when the
 * leader dies, or at once when it stops cleanly (it releases the Lease).
 *
 * @param namespace the Lease's namespace
 * @param name the Lease's name
 * @param identity this replica's name in the Lease (its pod name)
 * @param leaseDuration how long a Lease lasts without renewal
 * @param renewDeadline how long the leader tries to renew before it gives up leading
 * @param retryPeriod how often candidates try
 */
public record LeaderElection(
    String namespace,
    String name,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  public LeaderElection {
    if (!(retryPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)) {
      throw new IllegalArgumentException(
          "leader election needs retry period < renew deadline < lease duration, was "
              + retryPeriod.toSeconds()
              + " s, "
              + renewDeadline.toSeconds()
              + " s, "
              + leaseDuration.toSeconds()
              + " s: fix ELBOW_LEADER_ELECTION_TIMINGS (operator.leaderElection in the chart)");
    }
  }

  /**
   * Campaigns until cancelled: {@code onStartLeading} runs when this replica becomes leader, {@code
   * onStopLeading} when it loses the Lease (the caller should then stop working, and usually exit).
   * Cancelling the returned future stops campaigning and releases the Lease if held.
   *
   * @param client the client the campaign talks to the API server with: one made by {@link
   *     #failFastClient}, not the operator's own (see there why)
   */
  public CompletableFuture<?> campaign(
      KubernetesClient client, Runnable onStartLeading, Runnable onStopLeading) {
    return client
        .leaderElector()
        .withConfig(
            new LeaderElectionConfigBuilder()
                .withName(name)
                .withLock(new LeaseLock(namespace, name, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(renewDeadline)
                .withRetryPeriod(retryPeriod)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(
                    new LeaderCallbacks(onStartLeading, onStopLeading, leader -> {}))
                .build())
        .build()
        .start();
  }

  /**
   * A client for {@link #campaign}, made from {@code base} without request retries and with
   * timeouts inside the lease's margin. The elector checks its renew deadline only between
   * attempts, and a default client retries a refused or reset request with backoff for over a
   * minute: a leader cut off from the API server would go on leading long after its Lease ran out
   * and another replica took it.
   */
  public KubernetesClient failFastClient(Config base) {
    return new KubernetesClientBuilder().withConfig(failFast(base)).build();
  }

  /**
   * {@code base} without request retries, and each request given half the margin between the renew
   * deadline (plus one retry period) and the end of the lease: the elector checks its deadline
   * between attempts, so an attempt that hangs must not carry the leader past the moment another
   * replica may take the Lease.
   */
  Config failFast(Config base) {
    long margin = leaseDuration.toMillis() - renewDeadline.toMillis() - retryPeriod.toMillis();
    int timeoutMillis = (int) Math.max(200, Math.min(margin / 2, renewDeadline.toMillis() / 3));
    return new ConfigBuilder(base)
        .withRequestRetryBackoffLimit(0)
        .withRequestTimeout(timeoutMillis)
        .withConnectionTimeout(timeoutMillis)
        .build();
  }
}
