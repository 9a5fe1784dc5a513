package dev.elbow.operator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elbow.operator.expose.TrafficServiceSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

/**
 * The settings an installation adds to the operator's basic ones (the Helm chart sets them all):
 *
 * <ul>
 *   <li>{@code ELBOW_TRAFFIC_SERVICE}: name of the Service the operator keeps in step with the
 *       Listeners, next to the admin Service of {@code ELBOW_DATAPLANE_SERVICE}; with {@code
 *       ELBOW_TRAFFIC_SERVICE_TYPE} (LoadBalancer), {@code ELBOW_TRAFFIC_SERVICE_ANNOTATIONS} (a
 *       JSON object) and {@code ELBOW_TRAFFIC_SERVICE_EXTERNAL_TRAFFIC_POLICY} (Cluster)
 *   <li>{@code ELBOW_LEADER_ELECTION_LEASE}: {@code namespace/name} of the leader Lease; with
 *       {@code ELBOW_LEADER_ELECTION_IDENTITY} (the host name) and {@code
 *       ELBOW_LEADER_ELECTION_TIMINGS}, seconds of lease duration, renew deadline and retry period
 *       ({@code 15,10,2})
 *   <li>{@code ELBOW_METRICS_PORT}: port of /metrics, /healthz and /readyz (8080)
 * </ul>
 *
 * @param trafficService the traffic Service to keep, or null for none
 * @param leaderElection how to elect a leader, or null to work at once (a single replica)
 * @param metricsPort the metrics and probes port
 */
public record InstallSettings(
    TrafficServiceSpec trafficService, LeaderElection leaderElection, int metricsPort) {

  /** Nothing added: no traffic Service, no election, metrics on 8080. */
  public static final InstallSettings NONE = new InstallSettings(null, null, 8080);

  /**
   * Reads the settings.
   *
   * @param adminServiceNamespace the namespace of the data planes' admin Service, or null
   * @throws IllegalArgumentException naming the variable to fix
   */
  public static InstallSettings fromEnvironment(
      Map<String, String> env, String adminServiceNamespace) {
    TrafficServiceSpec traffic = null;
    String trafficName = env.getOrDefault("ELBOW_TRAFFIC_SERVICE", "");
    if (!trafficName.isBlank()) {
      if (adminServiceNamespace == null) {
        throw new IllegalArgumentException(
            "ELBOW_TRAFFIC_SERVICE needs ELBOW_DATAPLANE_SERVICE=namespace/name of the data planes'"
                + " admin Service, whose namespace and pod selector it shares");
      }
      traffic =
          new TrafficServiceSpec(
              trafficName,
              env.get("ELBOW_TRAFFIC_SERVICE_TYPE"),
              annotations(env.getOrDefault("ELBOW_TRAFFIC_SERVICE_ANNOTATIONS", "")),
              env.get("ELBOW_TRAFFIC_SERVICE_EXTERNAL_TRAFFIC_POLICY"));
    }
    LeaderElection election = null;
    String lease = env.getOrDefault("ELBOW_LEADER_ELECTION_LEASE", "");
    if (!lease.isBlank()) {
      String[] namespaced = lease.split("/", 2);
      if (namespaced.length != 2 || namespaced[0].isBlank() || namespaced[1].isBlank()) {
        throw new IllegalArgumentException(
            "ELBOW_LEADER_ELECTION_LEASE must be namespace/name, was " + lease);
      }
      int[] timings = timings(env.getOrDefault("ELBOW_LEADER_ELECTION_TIMINGS", "15,10,2"));
      election =
          new LeaderElection(
              namespaced[0],
              namespaced[1],
              env.getOrDefault("ELBOW_LEADER_ELECTION_IDENTITY", hostName()),
              Duration.ofSeconds(timings[0]),
              Duration.ofSeconds(timings[1]),
              Duration.ofSeconds(timings[2]));
    }
    return new InstallSettings(
        traffic,
        election,
        number("ELBOW_METRICS_PORT", env.getOrDefault("ELBOW_METRICS_PORT", "8080")));
  }

  private static Map<String, String> annotations(String json) {
    if (json.isBlank()) {
      return Map.of();
    }
    try {
      return new ObjectMapper().readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "ELBOW_TRAFFIC_SERVICE_ANNOTATIONS must be a JSON object of strings, was " + json, e);
    }
  }

  private static int[] timings(String value) {
    String[] parts = value.split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "ELBOW_LEADER_ELECTION_TIMINGS must be three numbers of seconds (lease duration, renew"
              + " deadline, retry period), e.g. 15,10,2; was "
              + value);
    }
    int[] seconds = new int[3];
    for (int i = 0; i < 3; i++) {
      seconds[i] = number("ELBOW_LEADER_ELECTION_TIMINGS", parts[i]);
    }
    return seconds;
  }

  private static int number(String variable, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a number, was " + value, e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "elbow-operator-" + ProcessHandle.current().pid();
    }
  }
}
