package dev.elbow.operator.node;

/** The objects the real-node scenarios apply: backend pods, a group over them and a Listener. */
final class NodeManifests {

  private NodeManifests() {}

  /** A Deployment of one demo backend pod (echoes bodies, names itself in x-backend). */
  static String backend(String name, String namespace) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %1$s}}
          strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
          template:
            metadata:
              labels: {app: %1$s}
              annotations: {elbow.dev/restarted-at: never}
            spec:
              terminationGracePeriodSeconds: 30
              securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: http
                  image: ghcr.io/elbow-lb/elbow-dataplane:%3$s
                  imagePullPolicy: Never
                  command: [java, -Xmx64m, -cp, "/opt/elbow/lib/*",
                            dev.elbow.dataplane.demo.DemoBackendsMain, --bind=0.0.0.0,
                            "--name=$(POD_NAME)", "http:8080"]
                  env:
                    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                  ports: [{name: http, containerPort: 8080}]
                  readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
                  # Endpoints and load balancers stop sending before the process stops.
                  lifecycle: {preStop: {sleep: {seconds: 5}}}
                  resources: {requests: {cpu: 50m, memory: 96Mi}, limits: {memory: 256Mi}}
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
        """
        .formatted(name, namespace, RealNode.IMAGE_TAG);
  }

  /** Group "web" over web-a (weight 1) and web-b (weight 3), and Listener "web" on 8080. */
  static String groupAndListener(String namespace) {
    return """
        apiVersion: elbow.dev/v1alpha1
        kind: BackendServerGroup
        metadata: {name: web, namespace: %1$s}
        spec:
          protocol: HTTP
          algorithm: ROUND_ROBIN
          podMembers:
            - {selector: {matchLabels: {app: web-a}}, port: 8080, weight: 1}
            - {selector: {matchLabels: {app: web-b}}, port: 8080, weight: 3}
          healthCheck: {intervalSeconds: 2, timeoutSeconds: 1, healthyThreshold: 2, unhealthyThreshold: 2}
        ---
        apiVersion: elbow.dev/v1alpha1
        kind: Listener
        metadata: {name: web, namespace: %1$s}
        spec: {protocol: HTTP, port: 8080, backendGroup: web}
        """
        .formatted(namespace);
  }

  /** Group "gated" over the web-c pods, checked on {@code checkPort}. */
  static String gatedGroup(String namespace, int checkPort) {
    return """
        apiVersion: elbow.dev/v1alpha1
        kind: BackendServerGroup
        metadata: {name: gated, namespace: %1$s}
        spec:
          protocol: HTTP
          podMembers: [{selector: {matchLabels: {app: web-c}}, port: 8080}]
          healthCheck: {port: %2$d, intervalSeconds: 2, timeoutSeconds: 1, healthyThreshold: 2, unhealthyThreshold: 2}
        """
        .formatted(namespace, checkPort);
  }
}
