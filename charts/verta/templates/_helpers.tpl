{{/* vim: set filetype=mustache: */}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "verta.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full resource name: fullnameOverride, or <release>-<name> (the release alone when it already contains the name). */}}
{{- define "verta.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's objects: <fullname>-<component>, kept within 63 characters. Arguments: (list ctx component). */}}
{{- define "verta.componentName" -}}
{{- $suffix := index . 1 -}}
{{- printf "%s-%s" (include "verta.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "verta.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of the release: name and instance. */}}
{{- define "verta.selectorLabels" -}}
app.kubernetes.io/name: {{ include "verta.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one component. Arguments: (list ctx component). */}}
{{- define "verta.component.selectorLabels" -}}
{{ include "verta.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "verta.labels" -}}
helm.sh/chart: {{ include "verta.chart" . }}
{{ include "verta.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: verta
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component's resources. Arguments: (list ctx component). */}}
{{- define "verta.component.labels" -}}
{{ include "verta.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Metadata annotations block (commonAnnotations) indented for metadata, or nothing. */}}
{{- define "verta.annotations" -}}
{{- with .Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "verta.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "verta.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference. Arguments: (list ctx imageValues). global.imageRegistry wins; a digest pins the
image; an empty tag is the chart's appVersion. */}}
{{- define "verta.image" -}}
{{- $ctx := index . 0 -}}
{{- $img := index . 1 -}}
{{- $registry := default $img.registry $ctx.Values.global.imageRegistry -}}
{{- $repo := $img.repository -}}
{{- if $registry }}{{ $repo = printf "%s/%s" $registry $repo }}{{ end -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default $ctx.Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{/* imagePullSecrets block at the given indent, or nothing. Arguments: (list ctx indent). */}}
{{- define "verta.imagePullSecrets" -}}
{{- $ctx := index . 0 -}}
{{- with $ctx.Values.global.imagePullSecrets }}
{{ "imagePullSecrets:" | indent (index $ 1) }}
{{- range . }}
{{ printf "- name: %s" . | indent (index $ 1) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Service names and in-cluster URLs, from the chart's own Service names (any release name). */}}
{{- define "verta.backend.serviceName" -}}{{ include "verta.componentName" (list . "backend") }}{{- end -}}
{{- define "verta.frontend.serviceName" -}}{{ include "verta.componentName" (list . "frontend") }}{{- end -}}
{{- define "verta.ml.serviceName" -}}{{ include "verta.componentName" (list . "ml") }}{{- end -}}
{{- define "verta.backend.url" -}}{{ printf "http://%s:25000" (include "verta.backend.serviceName" .) }}{{- end -}}
{{- define "verta.ml.url" -}}{{ printf "http://%s:8000" (include "verta.ml.serviceName" .) }}{{- end -}}

{{/* The valkey subchart's full name (its Service), computed as the subchart computes it. */}}
{{- define "verta.redis.valkeyFullname" -}}
{{- $vk := .Values.valkey -}}
{{- if $vk.fullnameOverride -}}
{{- $vk.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default "valkey" $vk.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* REDIS_HOST: the bundled Valkey's Service or the external host. */}}
{{- define "verta.redis.host" -}}
{{- if .Values.valkey.enabled -}}{{ include "verta.redis.valkeyFullname" . }}{{- else -}}{{ .Values.redis.external.host }}{{- end -}}
{{- end -}}
{{- define "verta.redis.port" -}}
{{- if .Values.valkey.enabled -}}{{ dig "service" "port" 6379 .Values.valkey }}{{- else -}}{{ .Values.redis.external.port }}{{- end -}}
{{- end -}}

{{/* Public URL of the site (FRONTEND_URL), or empty. */}}
{{- define "verta.publicUrl" -}}
{{- if .Values.publicUrl -}}
{{- .Values.publicUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.host -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/*
Secret references. Each secret is a dict (value, existingSecret, existingSecretKey) or, for the
database and the external Redis password, the matching keys. "verta.secret.ref" prints
`name: …` / `key: …` of the Secret that holds it (the user's existing Secret, else the chart's
Secret under the default key), or nothing when the value is not set at all.
Arguments: (list ctx inlineValue existingSecret existingSecretKey chartKey).
*/}}
{{- define "verta.secret.ref" -}}
{{- $ctx := index . 0 -}}
{{- if index . 2 -}}
name: {{ index . 2 | quote }}
key: {{ index . 3 | quote }}
{{- else if index . 1 -}}
name: {{ include "verta.fullname" $ctx | quote }}
key: {{ index . 4 | quote }}
{{- end -}}
{{- end -}}

{{/* The admin API key's reference: an existing Secret, else the chart's Secret (value given or generated). */}}
{{- define "verta.secret.adminRef" -}}
{{- $s := .Values.secrets.adminApiKey -}}
{{- if $s.existingSecret -}}
name: {{ $s.existingSecret | quote }}
key: {{ $s.existingSecretKey | quote }}
{{- else -}}
name: {{ include "verta.fullname" . | quote }}
key: ADMIN_API_KEY
{{- end -}}
{{- end -}}
{{- define "verta.secret.databaseRef" -}}
{{- $d := .Values.database -}}
{{- include "verta.secret.ref" (list . $d.url $d.existingSecret $d.existingSecretKey "DATABASE_URL") -}}
{{- end -}}
{{- define "verta.secret.discordRef" -}}
{{- $s := .Values.secrets.discordBotToken -}}
{{- include "verta.secret.ref" (list . $s.value $s.existingSecret $s.existingSecretKey "DISCORD_BOT_TOKEN") -}}
{{- end -}}
{{/* ML_SERVICE_API_KEY: its own value or Secret, else the admin key. */}}
{{- define "verta.secret.mlRef" -}}
{{- $s := .Values.secrets.mlApiKey -}}
{{- if or $s.value $s.existingSecret -}}
{{- include "verta.secret.ref" (list . $s.value $s.existingSecret $s.existingSecretKey "ML_SERVICE_API_KEY") -}}
{{- else -}}
{{- include "verta.secret.adminRef" . -}}
{{- end -}}
{{- end -}}
{{- define "verta.secret.openrouterRef" -}}
{{- $s := .Values.secrets.openrouterApiKey -}}
{{- include "verta.secret.ref" (list . $s.value $s.existingSecret $s.existingSecretKey "OPENROUTER_API_KEY") -}}
{{- end -}}
{{- define "verta.secret.redisRef" -}}
{{- if not .Values.valkey.enabled -}}
{{- $r := .Values.redis.external -}}
{{- include "verta.secret.ref" (list . $r.password $r.existingSecret $r.existingSecretKey "REDIS_PASSWORD") -}}
{{- end -}}
{{- end -}}

{{/* One env entry from a Secret reference, or nothing. Arguments: (list envName ref). */}}
{{- define "verta.secret.env" -}}
{{- with index . 1 }}
- name: {{ index $ 0 }}
  valueFrom:
    secretKeyRef:
      {{- . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* A generated secret value kept across upgrades: the value stored under key in the Secret
secretName (read back with lookup), else fresh. Arguments: (list ctx secretName key fresh).
Without a cluster (`helm template`) lookup finds nothing, so fresh is used on every render. */}}
{{- define "verta.secret.kept" -}}
{{- $ctx := index . 0 -}}
{{- $key := index . 2 -}}
{{- $found := "" -}}
{{- with (lookup "v1" "Secret" $ctx.Release.Namespace (index . 1)) -}}
{{- $found = index (.data | default dict) $key | default "" | b64dec -}}
{{- end -}}
{{- $found | default (index . 3) -}}
{{- end -}}

{{/*
Pod-level settings shared by the backend, frontend and ML pods: service account (no token),
no Service links, pull secrets, priority, security context, node selector, tolerations,
affinity (default: prefer one pod per node) and topology spread (the component's labels filled in).
Arguments: (list ctx component componentValues). Indented for a pod spec (6 spaces).
*/}}
{{- define "verta.pod.common" -}}
{{- $ctx := index . 0 -}}
{{- $comp := index . 1 -}}
{{- $cv := index . 2 -}}
{{- $v := $ctx.Values }}
      serviceAccountName: {{ include "verta.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- include "verta.imagePullSecrets" (list $ctx 6) }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      affinity:
        {{- if $cv.affinity }}
        {{- toYaml $cv.affinity | nindent 8 }}
        {{- else }}
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "verta.component.selectorLabels" (list $ctx $comp) | nindent 20 }}
        {{- end }}
      {{- with $cv.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        - {{- toYaml (omit . "labelSelector") | nindent 10 }}
          labelSelector:
            {{- if .labelSelector }}
            {{- toYaml .labelSelector | nindent 12 }}
            {{- else }}
            matchLabels:
              {{- include "verta.component.selectorLabels" (list $ctx $comp) | nindent 14 }}
            {{- end }}
        {{- end }}
      {{- end }}
{{- end -}}

{{/* Pod template metadata of a component. Arguments: (list ctx component configTemplate). */}}
{{- define "verta.pod.metadata" -}}
{{- $ctx := index . 0 -}}
{{- $comp := index . 1 }}
    metadata:
      labels:
        {{- include "verta.component.labels" (list $ctx $comp) | nindent 8 }}
        {{- with $ctx.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $ctx.Template.BasePath (index . 2)) $ctx | sha256sum }}
        {{- /* the secret inputs, not the rendered Secret: a generated key must not restart pods on every render */}}
        checksum/secret: {{ list $ctx.Values.secrets $ctx.Values.database $ctx.Values.redis.external | toJson | sha256sum }}
        {{- with $ctx.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{/* Whether a component can run more than one pod (a PDB makes sense): "true" or "". Arguments: componentValues. */}}
{{- define "verta.multiPod" -}}
{{- if or (and (hasKey . "autoscaling") .autoscaling.enabled) (gt (int .replicaCount) 1) -}}true{{- end -}}
{{- end -}}

{{/* HorizontalPodAutoscaler of a component. Arguments: (list ctx component kind componentValues). */}}
{{- define "verta.component.hpa" -}}
{{- $ctx := index . 0 -}}
{{- $comp := index . 1 -}}
{{- $a := (index . 3).autoscaling -}}
{{- if $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "verta.componentName" (list $ctx $comp) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "verta.component.labels" (list $ctx $comp) | nindent 4 }}
  {{- include "verta.annotations" $ctx }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ index . 2 }}
    name: {{ include "verta.componentName" (list $ctx $comp) }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* PodDisruptionBudget of a component, when it can run more than one pod. Arguments: (list ctx component componentValues). */}}
{{- define "verta.component.pdb" -}}
{{- $ctx := index . 0 -}}
{{- $comp := index . 1 -}}
{{- $cv := index . 2 -}}
{{- if and $cv.podDisruptionBudget.enabled (include "verta.multiPod" $cv) }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "verta.componentName" (list $ctx $comp) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "verta.component.labels" (list $ctx $comp) | nindent 4 }}
  {{- include "verta.annotations" $ctx }}
spec:
  maxUnavailable: {{ $cv.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "verta.component.selectorLabels" (list $ctx $comp) | nindent 6 }}
{{- end }}
{{- end -}}

{{/* NetworkPolicy peer: the pods of one component of this release. Arguments: (list ctx component indent). */}}
{{- define "verta.netpol.podPeer" -}}
{{- $ctx := index . 0 -}}
- podSelector:
    matchLabels:
      {{- include "verta.component.selectorLabels" (list $ctx (index . 1)) | nindent 6 }}
{{- end -}}

{{/* NetworkPolicy peer: the bundled Valkey's pods. */}}
{{- define "verta.netpol.valkeyPeer" -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/name: {{ .Values.valkey.nameOverride | default "valkey" }}
      app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* NetworkPolicy peers from a list of CIDRs (strings or {cidr, except}); any address when empty. */}}
{{- define "verta.netpol.cidrPeers" -}}
{{- if . -}}
{{- range . }}
- ipBlock:
    {{- if kindIs "string" . }}
    cidr: {{ . }}
    {{- else }}
    cidr: {{ .cidr }}
    {{- with .except }}
    except:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- end }}
{{- end }}
{{- else -}}
- ipBlock:
    cidr: 0.0.0.0/0
{{- end -}}
{{- end -}}

{{/* Egress rule to the cluster DNS. */}}
{{- define "verta.netpol.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .Values.networkPolicy.dns.namespace }}
      podSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.podLabels | nindent 10 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}

{{/* Egress rule to Redis (bundled Valkey pods, or the external server). */}}
{{- define "verta.netpol.redisEgress" -}}
- to:
    {{- if .Values.valkey.enabled }}
    {{- include "verta.netpol.valkeyPeer" . | nindent 4 }}
    {{- else }}
    {{- include "verta.netpol.cidrPeers" .Values.redis.external.cidrs | nindent 4 }}
    {{- end }}
  ports:
    - port: {{ include "verta.redis.port" . }}
      protocol: TCP
{{- end -}}

{{/* Egress rule to the database port. */}}
{{- define "verta.netpol.databaseEgress" -}}
- to:
    {{- include "verta.netpol.cidrPeers" (.Values.database.cidrs | default .Values.networkPolicy.httpsEgressCidrs) | nindent 4 }}
  ports:
    - port: {{ .Values.database.port }}
      protocol: TCP
{{- end -}}

{{/* NetworkPolicy metadata + podSelector of one component. Arguments: (list ctx component). */}}
{{- define "verta.netpol.header" -}}
{{- $ctx := index . 0 -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "verta.componentName" (list $ctx (index . 1)) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "verta.component.labels" (list $ctx (index . 1)) | nindent 4 }}
  {{- include "verta.annotations" $ctx }}
{{- end -}}
