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
 *   <li>{@code ELBOW_ADMIN_TOKEN} or {@code ELBOW_ADMIN_TOKEN_FILE}: the data planes' admin token;
 *       or {@code ELBOW_ADMIN_TOKEN_SECRET}: {@code namespace/name} of the Secret that holds it
 *       (key {@code token}), with {@code ELBOW_ADMIN_TOKEN_SECRET_GENERATE=true} to make the Secret
 *       with a new token when it does not exist (what the Helm chart does, see {@link
 *       AdminTokenSecret})
 *   <li>{@code ELBOW_DATAPLANE_SERVICE}: {@code namespace/name} of the data plane Service, whose
 *       ready pods get the snapshots; with {@code ELBOW_DATAPLANE_ADMIN_PORT_NAME} (default {@code
 *       admin}) naming its admin port
 *   <li>{@code ELBOW_DATAPLANE_ENDPOINTS}: instead, a comma-separated list of admin API URLs
 *   <li>{@code ELBOW_WATCH_NAMESPACES}: comma-separated namespaces to watch; all when unset
 * </ul>
 *
 * @param adminToken the bearer token of the data planes' admin API, or null to read it from {@code
 *     adminTokenSecret}
 * @param adminTokenSecret {@code namespace/name} of the Secret with the token, or null
 * @param generateAdminToken make that Secret when it does not exist
 * @param endpoints fixed data plane URLs, or null to discover them through the Service
 * @param serviceNamespace namespace of the data plane Service
 * @param serviceName name of the data plane Service
 * @param adminPortName name of the admin port in the Service
 * @param namespaces the namespaces whose resources the operator reconciles; empty for all
 */
public record OperatorSettings(
    String adminToken,
    String adminTokenSecret,
    boolean generateAdminToken,
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
    String secret = env.get("ELBOW_ADMIN_TOKEN_SECRET");
    boolean fromSecret = (token == null || token.isBlank()) && secret != null && !secret.isBlank();
    if (fromSecret && !secret.matches("[^/]+/[^/]+")) {
      throw new IllegalArgumentException(
          "ELBOW_ADMIN_TOKEN_SECRET is \""
              + secret
              + "\"; set it to namespace/name of the Secret with the admin token");
    }
    if ((token == null || token.isBlank()) && !fromSecret) {
      throw new IllegalArgumentException(
          "set ELBOW_ADMIN_TOKEN, ELBOW_ADMIN_TOKEN_FILE or ELBOW_ADMIN_TOKEN_SECRET to the data"
              + " plane admin token");
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
        fromSecret ? null : token,
        fromSecret ? secret : null,
        fromSecret && Boolean.parseBoolean(env.get("ELBOW_ADMIN_TOKEN_SECRET_GENERATE")),
        endpoints == null || endpoints.isBlank() ? null : endpoints,
        namespaced.length == 2 ? namespaced[0] : null,
        namespaced.length == 2 ? namespaced[1] : null,
        env.getOrDefault("ELBOW_DATAPLANE_ADMIN_PORT_NAME", "admin"),
        Arrays.stream(env.getOrDefault("ELBOW_WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(n -> !n.isEmpty())
            .collect(Collectors.toSet()));
  }

  /**
   * The admin token: the one given, or the one in the Secret (made first if so configured), owned
   * by the data planes' admin Service when these settings name one.
   *
   * @throws IllegalStateException naming the Secret and the fix when it cannot be had
   */
  public String adminToken(KubernetesClient client) {
    if (adminToken != null) {
      return adminToken;
    }
    String[] secret = adminTokenSecret.split("/", 2);
    String owner =
        serviceNamespace != null && serviceNamespace.equals(secret[0]) ? serviceName : null;
    return AdminTokenSecret.ensure(client, secret[0], secret[1], generateAdminToken, owner);
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
