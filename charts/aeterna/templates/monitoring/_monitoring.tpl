{{/*
Monitoring helpers: the alert rules of the PrometheusRule (templates/monitoring/prometheusrule.yaml).
Every alert has a severity, a summary, a description and a runbook_url into docs/alerts.md.
Series come from the server's /metrics (ServiceMonitor), CloudNativePG (PodMonitor),
kube-state-metrics and the kubelet; charts/aeterna/files/monitoring/metrics.txt lists them.
*/}}

{{/* runbook_url of one alert. Arguments: (list ctx alertName). */}}
{{- define "aeterna.monitoring.runbookUrl" -}}
{{- $ctx := index . 0 -}}
{{- $base := $ctx.Values.monitoring.prometheusRule.runbookBaseUrl | default "docs" -}}
{{- printf "%s/alerts.md#%s" $base (index . 1 | lower) -}}
{{- end -}}

{{/* Label matchers shared by the rules: namespace="<ns>". */}}
{{- define "aeterna.monitoring.ns" -}}
namespace="{{ .Release.Namespace }}"
{{- end -}}

{{/*
One alert rule. Arguments: dict with ctx, alert, expr, for, severity, summary, description.
*/}}
{{- define "aeterna.monitoring.rule" -}}
{{- $ctx := .ctx -}}
- alert: {{ .alert }}
  expr: {{ .expr | quote }}
  {{- if .for }}
  for: {{ .for }}
  {{- end }}
  labels:
    severity: {{ .severity }}
    {{- with $ctx.Values.monitoring.prometheusRule.additionalAlertLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    summary: {{ .summary | quote }}
    description: {{ .description | quote }}
    runbook_url: {{ include "aeterna.monitoring.runbookUrl" (list $ctx .alert) | quote }}
{{- end -}}

{{/* Regular expression of the pods of the Aeterna server Deployment (<fullname>-<rs hash>-<pod hash>). */}}
{{- define "aeterna.monitoring.serverPods" -}}
{{- printf "%s-[a-z0-9]+-[a-z0-9]+" (include "aeterna.fullname" .) -}}
{{- end -}}

{{/* Pod name regex of the bundled cache, or nothing when the cache is external. */}}
{{- define "aeterna.monitoring.cachePods" -}}
{{- if .Values.dragonfly.enabled -}}
{{- printf "%s-.+" (include "aeterna.subchartFullname" (list . "dragonfly")) -}}
{{- else if .Values.valkey.enabled -}}
{{- printf "%s-.+" (include "aeterna.subchartFullname" (list . "valkey")) -}}
{{- end -}}
{{- end -}}

{{/* Pod name regex of the bundled vector store, or nothing when it is external or unused. */}}
{{- define "aeterna.monitoring.vectorPods" -}}
{{- if include "aeterna.vector.bundled" . -}}
{{- $b := .Values.vector.backend -}}
{{- if eq $b "qdrant" -}}
{{- printf "%s-[0-9]+" (include "aeterna.subchartFullname" (list . "qdrant")) -}}
{{- else if eq $b "weaviate" -}}
{{- /* the weaviate subchart's StatefulSet name is fixed */ -}}
weaviate-[0-9]+
{{- else if eq $b "mongodb" -}}
{{- printf "%s-rs0-[0-9]+" (include "aeterna.mongodb.name" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Pod name regex of the OPAL components in this release (Cedar agents, and the OPAL server when it runs here). */}}
{{- define "aeterna.monitoring.opalPods" -}}
{{- $f := include "aeterna.fullname" . -}}
{{- $parts := list -}}
{{- if .Values.opal.cedarAgent.enabled }}{{ $parts = append $parts "cedar-agent-.+" }}{{ end -}}
{{- if .Values.opal.server.enabled }}{{ $parts = append $parts "opal-server-[0-9]+" }}{{ end -}}
{{- if $parts -}}
{{- printf "%s-(%s)" $f (join "|" $parts) -}}
{{- end -}}
{{- end -}}

{{/* The alert groups (a YAML list) of the PrometheusRule. */}}
{{- define "aeterna.monitoring.groups" -}}
{{- $v := .Values -}}
{{- $r := $v.monitoring.prometheusRule -}}
{{- $ns := include "aeterna.monitoring.ns" . -}}
{{- $fullname := include "aeterna.fullname" . -}}
{{- $server := printf "%s, deployment=\"%s\"" $ns $fullname -}}
{{- $job := printf "%s, job=\"%s\"" $ns $fullname -}}
{{- $releasePods := printf "%s, pod=~\"%s-.+\"" $ns .Release.Name -}}
- name: aeterna-server
  rules:
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaServerDown" "severity" "critical" "for" "5m"
      "expr" (printf "(sum(kube_deployment_status_replicas_available{%s}) or vector(0)) == 0" $server)
      "summary" "No Aeterna server pod is available."
      "description" (printf "Deployment %s/%s has had no available replica for 5 minutes: the API and MCP endpoints are down." .Release.Namespace $fullname)) | nindent 4 }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaServerNotReady" "severity" "warning" "for" "15m"
      "expr" (printf "kube_deployment_status_replicas_available{%s} < kube_deployment_spec_replicas{%s}" $server $server)
      "summary" "Some Aeterna server replicas are not ready."
      "description" (printf "Deployment %s/%s has had {{ $value }} available replicas, fewer than wanted, for 15 minutes (readiness is /ready, which checks PostgreSQL)." .Release.Namespace $fullname)) | nindent 4 }}
    {{- if $v.metrics.serviceMonitor.enabled }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaMetricsTargetDown" "severity" "warning" "for" "10m"
      "expr" (printf "up{%s} == 0" $job)
      "summary" "Prometheus cannot scrape an Aeterna server pod."
      "description" "{{ $labels.pod }} has not answered on its metrics port (9090) for 10 minutes.") | nindent 4 }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaHighErrorRate" "severity" "warning" "for" "10m"
      "expr" (printf "sum(rate(http_requests_total{%s, status=~\"5..\"}[5m])) / sum(rate(http_requests_total{%s}[5m])) > %v" $job $job $r.errorRateThreshold)
      "summary" "Aeterna answers many requests with a server error."
      "description" (printf "{{ $value | humanizePercentage }} of the HTTP requests of %s/%s got a 5xx status over the last 5 minutes (threshold %v)." .Release.Namespace $fullname $r.errorRateThreshold)) | nindent 4 }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaHighLatency" "severity" "warning" "for" "10m"
      "expr" (printf "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_ms_bucket{%s}[5m]))) > %v" $job $r.latencyP95Milliseconds)
      "summary" "Aeterna requests are slow."
      "description" (printf "The 95th percentile of HTTP request duration of %s/%s is {{ $value }} ms (threshold %v ms)." .Release.Namespace $fullname $r.latencyP95Milliseconds)) | nindent 4 }}
    {{- end }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaPodRestarting" "severity" "warning" "for" ""
      "expr" (printf "increase(kube_pod_container_status_restarts_total{%s}[30m]) > %v" $releasePods $r.restartsPer30m)
      "summary" "A pod of the Aeterna release keeps restarting."
      "description" (printf "Container {{ $labels.container }} of {{ $labels.pod }} restarted {{ $value }} times in 30 minutes (threshold %v)." $r.restartsPer30m)) | nindent 4 }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaPodCrashLooping" "severity" "critical" "for" "10m"
      "expr" (printf "max_over_time(kube_pod_container_status_waiting_reason{%s, reason=\"CrashLoopBackOff\"}[5m]) >= 1" $releasePods)
      "summary" "A pod of the Aeterna release is crash-looping."
      "description" "Container {{ $labels.container }} of {{ $labels.pod }} has been in CrashLoopBackOff for 10 minutes.") | nindent 4 }}
    {{- if $v.migrations.enabled }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaMigrationJobFailed" "severity" "critical" "for" ""
      "expr" (printf "kube_job_status_failed{%s, job_name=\"%s\"} > 0" $ns (include "aeterna.componentName" (list . "migrate")))
      "summary" "The Aeterna database migration Job failed."
      "description" (printf "Job %s/{{ $labels.job_name }} has {{ $value }} failed pods: the schema may be behind the server version." .Release.Namespace)) | nindent 4 }}
    {{- end }}
{{- if $v.postgresql.bundled.enabled }}
{{- $cluster := include "aeterna.postgresql.clusterName" . }}
{{- $pgPods := printf "%s, pod=~\"%s-[0-9]+\"" $ns $cluster }}
{{- $pvcs := printf "%s, persistentvolumeclaim=~\"%s-[0-9]+(-wal)?\"" $ns $cluster }}
- name: aeterna-postgresql
  rules:
    {{- if $v.postgresql.bundled.monitoring.podMonitor }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaPostgresDown" "severity" "critical" "for" "5m"
      "expr" (printf "(sum(cnpg_collector_up{%s}) or vector(0)) == 0" $pgPods)
      "summary" "No PostgreSQL instance of the Aeterna cluster is up."
      "description" (printf "CloudNativePG reports no running PostgreSQL in cluster %s/%s for 5 minutes: the server cannot boot or serve." .Release.Namespace $cluster)) | nindent 4 }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaPostgresReplicationLag" "severity" "warning" "for" "5m"
      "expr" (printf "max by (pod) (cnpg_pg_replication_lag{%s}) > %v" $pgPods $r.replicationLagSeconds)
      "summary" "A PostgreSQL replica lags behind the primary."
      "description" (printf "Replica {{ $labels.pod }} of %s is {{ $value }} s behind its primary (threshold %v s): a failover now would lose those transactions." $cluster $r.replicationLagSeconds)) | nindent 4 }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaPostgresWALArchivingFailing" "severity" "critical" "for" "10m"
      "expr" (printf "cnpg_pg_stat_archiver_last_failed_time{%s} > cnpg_pg_stat_archiver_last_archived_time{%s}" $pgPods $pgPods)
      "summary" "PostgreSQL cannot archive its WAL."
      "description" (printf "The last WAL archiving attempt of {{ $labels.pod }} (%s) failed and none has succeeded since, for 10 minutes: point-in-time recovery stops here and WAL piles up on the volume." $cluster)) | nindent 4 }}
    {{- end }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaPostgresStorageAlmostFull" "severity" "warning" "for" "10m"
      "expr" (printf "kubelet_volume_stats_available_bytes{%s} / kubelet_volume_stats_capacity_bytes{%s} < %v" $pvcs $pvcs $r.storageFreeRatio)
      "summary" "A PostgreSQL volume is almost full."
      "description" (printf "Volume {{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} free (threshold %v); PostgreSQL stops when it is full." $r.storageFreeRatio)) | nindent 4 }}
{{- end }}
{{- $cachePods := include "aeterna.monitoring.cachePods" . }}
{{- $vectorPods := include "aeterna.monitoring.vectorPods" . }}
{{- if or $cachePods $vectorPods }}
- name: aeterna-backing-services
  rules:
    {{- if $cachePods }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaCacheDown" "severity" "warning" "for" "5m"
      "expr" (printf "(sum(kube_pod_status_ready{%s, condition=\"true\", pod=~\"%s\"}) or vector(0)) == 0" $ns $cachePods)
      "summary" "The bundled cache is down."
      "description" (printf "No pod of the bundled cache (%s) in %s has been ready for 5 minutes. The server keeps running with per-pod state: logins, job records and cross-replica locks are lost or diverge." (ternary "dragonfly" "valkey" $v.dragonfly.enabled) .Release.Namespace)) | nindent 4 }}
    {{- end }}
    {{- if $vectorPods }}
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaVectorStoreDown" "severity" "warning" "for" "10m"
      "expr" (printf "(sum(kube_pod_status_ready{%s, condition=\"true\", pod=~\"%s\"}) or vector(0)) == 0" $ns $vectorPods)
      "summary" "The bundled vector store is down."
      "description" (printf "No pod of the bundled vector store (%s) in %s has been ready for 10 minutes." $v.vector.backend .Release.Namespace)) | nindent 4 }}
    {{- end }}
{{- end }}
{{- $opalPods := include "aeterna.monitoring.opalPods" . }}
{{- if and $v.opal.enabled $opalPods }}
- name: aeterna-authorization
  rules:
    {{- include "aeterna.monitoring.rule" (dict "ctx" . "alert" "AeternaOPALDisconnected" "severity" "warning" "for" "10m"
      "expr" (printf "sum by (pod) (kube_pod_status_ready{%s, condition=\"false\", pod=~\"%s\"}) > 0" $ns $opalPods)
      "summary" "An OPAL component is not ready: Cedar policies may be stale."
      "description" "{{ $labels.pod }} has not been ready for 10 minutes: a Cedar agent that is not ready has lost its OPAL server (or never loaded policies), and an OPAL server that is not ready pushes no updates.") | nindent 4 }}
{{- end }}
{{- /*
Backup alerts (backup missing for longer than its schedule allows, verification failing) belong to
the backup templates (templates/backup/): they render their own PrometheusRule when
monitoring.prometheusRule.enabled is true, next to the CronJobs whose names they need.
*/}}
{{- end -}}

{{/*
NetworkPolicy ingress rule letting Prometheus scrape a bundled component's metrics port, when
monitoring.componentMonitors is on (nothing otherwise). Arguments: (list ctx port).
*/}}
{{- define "aeterna.monitoring.scrapeIngress" -}}
{{- $ctx := index . 0 -}}
{{- if $ctx.Values.monitoring.componentMonitors.enabled -}}
{{- $np := $ctx.Values.networkPolicy -}}
# Prometheus scrapes /metrics (monitoring.componentMonitors).
- from:
    - namespaceSelector:
        {{- toYaml $np.prometheus.namespaceSelector | nindent 8 }}
      {{- with $np.prometheus.podSelector }}
      podSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  ports:
    - port: {{ index . 1 }}
      protocol: TCP
{{- end -}}
{{- end -}}
