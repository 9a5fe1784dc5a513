{{/* The base name of every object: the release name, unless overridden. */}}
{{- define "elbow.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else if contains "elbow" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-elbow" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "elbow.labels" -}}
app.kubernetes.io/name: elbow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "elbow.operatorSelector" -}}
app.kubernetes.io/name: elbow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "elbow.dataplaneSelector" -}}
app.kubernetes.io/name: elbow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: dataplane
{{- end -}}

{{/* registry/repository:tag, the tag defaulting to the chart's appVersion (the project version). */}}
{{- define "elbow.image" -}}
{{- $root := index . 0 -}}{{- $image := index . 1 -}}
{{- printf "%s/%s:%s" $root.Values.image.registry $image.repository ($image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion) -}}
{{- end -}}

{{- define "elbow.adminTokenSecret" -}}
{{- .Values.adminToken.existingSecret | default (printf "%s-admin-token" (include "elbow.fullname" .)) -}}
{{- end -}}

{{/* Pod Security "restricted": what every Elbow container runs with. */}}
{{- define "elbow.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* What the operator reads and writes where it watches: cluster-wide, or in each watched namespace. */}}
{{- define "elbow.operatorWatchRules" -}}
  # Its own resources: watched, finalizers patched (in use by a Listener), status written.
  - apiGroups: ["elbow.dev"]
    resources: ["backendservergroups", "listeners"]
    verbs: ["get", "list", "watch", "patch"]
  - apiGroups: ["elbow.dev"]
    resources: ["backendservergroups/status", "listeners/status"]
    verbs: ["get", "patch", "update"]
  # What groups and listeners refer to: Service and pod members, certificates and CA bundles.
  - apiGroups: [""]
    resources: ["services", "pods", "secrets", "configmaps"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["discovery.k8s.io"]
    resources: ["endpointslices"]
    verbs: ["get", "list", "watch"]
  # The readiness gate condition elbow.dev/load-balancer-healthy on member pods.
  - apiGroups: [""]
    resources: ["pods/status"]
    verbs: ["patch"]
  # Health changes of members become Events on their group.
  - apiGroups: [""]
    resources: ["events"]
    verbs: ["create"]
{{- end -}}
