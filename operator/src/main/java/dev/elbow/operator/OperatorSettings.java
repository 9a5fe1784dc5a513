package dev.elbow.operator;

import dev.elbow.operator.push.DataPlaneEndpoints;
import dev.elbow.operator.push.ServiceDataPlaneEndpoints;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, from environment variables.
 *
 * <ul>
 *   <li>{@code ELBOW_ADMIN_TOKEN} or {@code ELBOW_ADMIN_TOKEN_FILE}: the data planes' admin token
 *   <li>{@code ELBOW_DATAPLANE_SERVICE}: {@code namespace/name} of the data plane Service, whose
 *       ready pods get the snapshots; with {@code ELBOW_DATAPLANE_ADMIN_PORT_NAME} (default {@code
 *       admin}) naming its admin port
 *   <li>{@code ELBOW_DATAPLANE_ENDPOINTS}: instead, a comma-separated list of admin API URLs
 *   <li>{@code ELBOW_WATCH_NAMESPACES}: comma-separated namespaces to watch; all when unset
 * </ul>
 *
 * @param adminToken the bearer token of the data planes' admin API
 * @param endpoints fixed data plane URLs, or null to discover them through the Service
 * @param serviceNamespace namespace of the data plane Service
 * @param serviceName name of the data plane Service
 * @param adminPortName name of the admin port in the Service
 * @param namespaces the namespaces whose resources the operator reconciles; empty for all
 */
public record OperatorSettings(
    String adminToken,
    String endpoints,
    String serviceNamespace,
    String serviceName,
    String adminPortName,
    Set<String> namespaces) {

  /**
   * Reads the settings.
   *
   * @throws IllegalArgumentException naming the variable to set when something is missing
   */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String token = env.get("ELBOW_ADMIN_TOKEN");
    String tokenFile = env.get("ELBOW_ADMIN_TOKEN_FILE");
    if ((token == null || token.isBlank()) && tokenFile != null) {
      try {
        token = Files.readString(Path.of(tokenFile)).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read ELBOW_ADMIN_TOKEN_FILE " + tokenFile, e);
      }
    }
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "set ELBOW_ADMIN_TOKEN or ELBOW_ADMIN_TOKEN_FILE to the data plane admin token");
    }
    String endpoints = env.get("ELBOW_DATAPLANE_ENDPOINTS");
    String service = env.getOrDefault("ELBOW_DATAPLANE_SERVICE", "");
    if ((endpoints == null || endpoints.isBlank()) && !service.contains("/")) {
      throw new IllegalArgumentException(
          "set ELBOW_DATAPLANE_SERVICE=namespace/name of the data plane Service, or"
              + " ELBOW_DATAPLANE_ENDPOINTS=http://host:9901,...");
    }
    String[] namespaced = service.split("/", 2);
    return new OperatorSettings(
        token,
        endpoints == null || endpoints.isBlank() ? null : endpoints,
        namespaced.length == 2 ? namespaced[0] : null,
        namespaced.length == 2 ? namespaced[1] : null,
        env.getOrDefault("ELBOW_DATAPLANE_ADMIN_PORT_NAME", "admin"),
        Arrays.stream(env.getOrDefault("ELBOW_WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(n -> !n.isEmpty())
            .collect(Collectors.toSet()));
  }

  /** Where the data planes are, as these settings say. */
  public DataPlaneEndpoints dataPlanes(KubernetesClient client) {
    if (endpoints != null) {
      return new StaticDataPlaneEndpoints(
          Arrays.stream(endpoints.split(","))
              .map(String::trim)
              .map(URI::create)
              .collect(Collectors.toSet()));
    }
    return new ServiceDataPlaneEndpoints(client, serviceNamespace, serviceName, adminPortName);
  }

  /** For the start-up log line. */
  public String describeDataPlanes() {
    return endpoints != null
        ? endpoints
        : "ready pods of Service "
            + serviceNamespace
            + "/"
            + serviceName
            + ", port "
            + adminPortName;
  }
}
