{{/* OPAL / Cedar stack helpers. */}}

{{/* True when the server runs Cedar authorization (opal.enabled implies it). */}}
{{- define "aeterna.opal.cedarEnabled" -}}
{{- if or .Values.opal.enabled (eq .Values.auth.backend "cedar") }}true{{ end -}}
{{- end -}}

{{- define "aeterna.opal.secretName" -}}
{{- .Values.opal.existingSecret | default (include "aeterna.componentName" (list . "opal")) -}}
{{- end -}}

{{/* URL of the OPAL server the Cedar agents connect to. */}}
{{- define "aeterna.opal.serverUrl" -}}
{{- if .Values.opal.server.enabled -}}
{{- printf "http://%s.%s.svc:7002" (include "aeterna.componentName" (list . "opal-server")) .Release.Namespace -}}
{{- else -}}
{{- .Values.opal.serverUrl -}}
{{- end -}}
{{- end -}}

{{/* URL of the bundled OPAL fetcher. */}}
{{- define "aeterna.opal.fetcherUrl" -}}
{{- printf "http://%s.%s.svc:8080" (include "aeterna.componentName" (list . "opal-fetcher")) .Release.Namespace -}}
{{- end -}}

{{/* The fetcher URL the server is given: explicit, else the bundled fetcher. */}}
{{- define "aeterna.opal.serverFetcherUrl" -}}
{{- if .Values.auth.opalFetcherUrl -}}
{{- .Values.auth.opalFetcherUrl -}}
{{- else if and .Values.opal.enabled .Values.opal.fetcher.enabled -}}
{{- include "aeterna.opal.fetcherUrl" . -}}
{{- end -}}
{{- end -}}

{{/* Labels of an OPAL component. Arguments: (list ctx component). */}}
{{- define "aeterna.opal.labels" -}}
{{- include "aeterna.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Selector of an OPAL component's pods. Arguments: (list ctx component). */}}
{{- define "aeterna.opal.selector" -}}
{{- include "aeterna.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Pod-level settings every OPAL pod shares (Pod Security Standards restricted). Argument: ctx. */}}
{{- define "aeterna.opal.podSettings" -}}
automountServiceAccountToken: false
enableServiceLinks: false
{{- include "aeterna.imagePullSecrets" (list . 0) }}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  runAsGroup: 1000
  fsGroup: 1000
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* Container securityContext of every OPAL container. */}}
{{- define "aeterna.opal.containerSecurity" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* An HTTP probe block. Arguments: (list path port). */}}
{{- define "aeterna.opal.probes" -}}
startupProbe:
  httpGet: {path: {{ index . 0 }}, port: {{ index . 1 }}}
  periodSeconds: 5
  failureThreshold: 60
# Liveness only asks whether the process still listens; readiness asks the health endpoint.
livenessProbe:
  tcpSocket: {port: {{ index . 1 }}}
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  httpGet: {path: {{ index . 0 }}, port: {{ index . 1 }}}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/* A NetworkPolicy of an OPAL component. Arguments: (list ctx component ingressRules egressPorts). */}}
{{- define "aeterna.opal.policy" -}}
{{- $ctx := index . 0 -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "aeterna.componentName" (list $ctx (index . 1)) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "aeterna.opal.labels" (list $ctx (index . 1)) | nindent 4 }}
  {{- include "aeterna.annotations" $ctx }}
spec:
  podSelector:
    matchLabels:
      {{- include "aeterna.opal.selector" (list $ctx (index . 1)) | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- index . 2 | nindent 4 }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- with index . 3 }}
    - ports:
        {{- range . }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- end }}
{{- end }}

{{/* Soft anti-affinity over nodes for an OPAL component. Arguments: (list ctx component). */}}
{{- define "aeterna.opal.hostSpread" -}}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "aeterna.opal.selector" . | nindent 14 }}
{{- end -}}

{{/* A PodDisruptionBudget (maxUnavailable 1) for an OPAL component with several replicas. Arguments: (list ctx component). */}}
{{- define "aeterna.opal.pdb" -}}
{{- $ctx := index . 0 -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "aeterna.componentName" (list $ctx (index . 1)) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "aeterna.opal.labels" . | nindent 4 }}
  {{- include "aeterna.annotations" $ctx }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "aeterna.opal.selector" . | nindent 6 }}
{{- end -}}
