{{/*
Backups (values `backup.*`, docs/backup-restore.md). Helpers named aeterna.backup.<what>.
*/}}

{{/* "true" when the pg_dump CronJob (and so the restore test) renders. */}}
{{- define "aeterna.backup.pgDump" -}}
{{- if and .Values.backup.enabled .Values.backup.postgresql.dump }}true{{ end -}}
{{- end -}}

{{/* "true" when the bundled CloudNativePG cluster archives to the object store (Barman Cloud). */}}
{{- define "aeterna.backup.barman" -}}
{{- if and .Values.backup.enabled .Values.backup.postgresql.barman .Values.postgresql.bundled.enabled }}true{{ end -}}
{{- end -}}

{{/* "true" when Qdrant snapshots render (qdrant backend, bundled or external). */}}
{{- define "aeterna.backup.qdrant" -}}
{{- if and .Values.backup.enabled .Values.backup.qdrant.enabled (include "aeterna.vector.enabled" .) (eq .Values.vector.backend "qdrant") }}true{{ end -}}
{{- end -}}

{{/* "true" when the Weaviate backup trigger renders. */}}
{{- define "aeterna.backup.weaviate" -}}
{{- if and .Values.backup.enabled .Values.backup.weaviate.enabled (include "aeterna.vector.enabled" .) (eq .Values.vector.backend "weaviate") }}true{{ end -}}
{{- end -}}

{{/* "true" when the bundled Percona MongoDB gets spec.backup. */}}
{{- define "aeterna.backup.mongodb" -}}
{{- if and .Values.backup.enabled .Values.backup.mongodb.enabled (include "aeterna.vector.bundled" .) (eq .Values.vector.backend "mongodb") }}true{{ end -}}
{{- end -}}

{{- define "aeterna.backup.name" -}}
{{- include "aeterna.componentName" (list (index . 0) (printf "backup-%s" (index . 1))) -}}
{{- end -}}

{{- define "aeterna.backup.serviceAccountName" -}}
{{- default (include "aeterna.componentName" (list . "backup")) .Values.backup.serviceAccount.name -}}
{{- end -}}

{{/* Barman server name the bundled cluster archives under. */}}
{{- define "aeterna.backup.serverName" -}}
{{- default (include "aeterna.postgresql.clusterName" .) .Values.backup.postgresql.serverName -}}
{{- end -}}

{{/* CloudNativePG's six-field schedule (seconds first) from the shared five-field one. */}}
{{- define "aeterna.backup.cnpgSchedule" -}}
{{- $s := .Values.backup.schedule -}}
{{- $macros := dict "@hourly" "0 0 * * * *" "@daily" "0 0 0 * * *" "@weekly" "0 0 0 * * 0" "@monthly" "0 0 0 1 * *" "@yearly" "0 0 0 1 1 *" "@annually" "0 0 0 1 1 *" -}}
{{- get $macros $s | default (printf "0 %s" $s) -}}
{{- end -}}

{{/* Seconds between two runs of a five-field schedule (hourly, every N minutes/hours, daily, weekly, monthly forms).
Arguments: (list schedule override). */}}
{{- define "aeterna.backup.intervalSeconds" -}}
{{- $s := index . 0 -}}{{- $override := int (index . 1) -}}
{{- if gt $override 0 -}}{{ $override }}
{{- else -}}
{{- $macros := dict "@hourly" 3600 "@daily" 86400 "@weekly" 604800 "@monthly" 2678400 "@yearly" 31622400 "@annually" 31622400 -}}
{{- if hasKey $macros $s -}}{{ get $macros $s }}
{{- else -}}
{{- $f := splitList " " $s -}}
{{- $m := index $f 0 -}}{{- $h := index $f 1 -}}{{- $dom := index $f 2 -}}{{- $dow := index $f 4 -}}
{{- if and (hasPrefix "*/" $m) (eq $h "*") -}}{{ mul 60 (int (trimPrefix "*/" $m)) }}
{{- else if eq $h "*" -}}3600
{{- else if hasPrefix "*/" $h -}}{{ mul 3600 (int (trimPrefix "*/" $h)) }}
{{- else if ne $dom "*" -}}2678400
{{- else if ne $dow "*" -}}604800
{{- else -}}{{ div 86400 (len (splitList "," $h)) }}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Rules that the schema cannot express; each fails with one sentence naming the key. */}}
{{- define "aeterna.backup.validate" -}}
{{- $b := .Values.backup -}}
{{- if and $b.verify.enabled (not $b.enabled) -}}
{{- fail "backup.verify.enabled needs backup.enabled: the restore test checks the newest pg_dump backup, and none is taken while backup.enabled is false." -}}
{{- end -}}
{{- if $b.enabled -}}
{{- include "aeterna.validate.required" (list "backup.destination.bucket" $b.destination.bucket "backup.enabled") -}}
{{- if and (not $b.credentials.existingSecret) (not $b.credentials.workloadIdentity) -}}
{{- fail (printf "backup.credentials.existingSecret is required for %s backups unless backup.credentials.workloadIdentity is true (the identity then comes from backup.serviceAccount annotations)." $b.destination.provider) -}}
{{- end -}}
{{- if eq $b.destination.provider "azure" -}}
{{- include "aeterna.validate.required" (list "backup.destination.azure.storageAccount" $b.destination.azure.storageAccount "backup.destination.provider azure") -}}
{{- end -}}
{{- if and $b.verify.enabled (not $b.postgresql.dump) -}}
{{- fail "backup.verify.enabled needs backup.postgresql.dump: the restore test restores the newest pg_dump backup." -}}
{{- end -}}
{{- $r := $b.postgresql.recovery -}}
{{- if $r.enabled -}}
{{- if not .Values.postgresql.bundled.enabled -}}
{{- fail "backup.postgresql.recovery.enabled needs postgresql.bundled.enabled: only the bundled CloudNativePG cluster bootstraps from a Barman backup (restore an external database with docs/backup-restore.md)." -}}
{{- end -}}
{{- include "aeterna.validate.required" (list "backup.postgresql.recovery.sourceServerName" $r.sourceServerName "backup.postgresql.recovery.enabled") -}}
{{- if eq $r.sourceServerName (include "aeterna.backup.serverName" .) -}}
{{- fail (printf "backup.postgresql.serverName must differ from backup.postgresql.recovery.sourceServerName (%q): a recovered cluster must archive into a new folder, not over the backups it was restored from." $r.sourceServerName) -}}
{{- end -}}
{{- end -}}
{{- if and (include "aeterna.backup.weaviate" .) .Values.weaviate.enabled -}}
{{- $mod := dig "backups" $b.destination.provider "enabled" false .Values.weaviate -}}
{{- if not $mod -}}
{{- fail (printf "weaviate.backups.%s.enabled must be true with backup.enabled and the bundled Weaviate: Weaviate writes its backups itself, through its backup-%s module (or set backup.weaviate.enabled=false)." $b.destination.provider $b.destination.provider) -}}
{{- end -}}
{{- end -}}
{{- if and (include "aeterna.backup.mongodb" .) (eq $b.destination.provider "gcs") (not (or $b.mongodb.credentialsSecret $b.credentials.existingSecret)) -}}
{{- fail "backup.mongodb.credentialsSecret is required for MongoDB backups to gcs: the Percona operator needs HMAC keys in a Secret and has no workload identity for GCS." -}}
{{- end -}}
{{- if and $b.alerts.enabled .Values.capabilityChecks (not (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1")) -}}
{{- fail "backup.alerts.enabled needs the Prometheus Operator, and this cluster does not serve monitoring.coreos.com/v1: install it first (e.g. the kube-prometheus-stack chart), or set backup.alerts.enabled=false." -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Environment of the rclone steps: destination and credentials (secrets only as secretKeyRef). */}}
{{- define "aeterna.backup.rcloneEnv" -}}
{{- $b := .Values.backup -}}
{{- $d := $b.destination -}}
{{- $secret := $b.credentials.existingSecret -}}
- name: BACKUP_PROVIDER
  value: {{ $d.provider | quote }}
- name: BACKUP_BUCKET
  value: {{ $d.bucket | quote }}
- name: BACKUP_PREFIX
  value: {{ $d.prefix | quote }}
- name: BACKUP_RETENTION_DAYS
  value: {{ $b.retentionDays | toString | quote }}
- name: BACKUP_WORKDIR
  value: /work
- name: HOME
  value: /tmp
{{- if eq $d.provider "s3" }}
{{- with $d.s3.region }}
- name: BACKUP_S3_REGION
  value: {{ . | quote }}
{{- end }}
{{- with $d.s3.endpoint }}
- name: BACKUP_S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $d.s3.sse }}
- name: BACKUP_S3_SSE
  value: {{ . | quote }}
{{- end }}
{{- with $d.s3.sseKmsKeyId }}
- name: BACKUP_S3_SSE_KMS_KEY_ID
  value: {{ . | quote }}
{{- end }}
{{- if $secret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: AWS_ACCESS_KEY_ID
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: AWS_SECRET_ACCESS_KEY
{{- end }}
{{- else if eq $d.provider "gcs" }}
{{- if $secret }}
- name: GOOGLE_APPLICATION_CREDENTIALS
  value: /var/run/secrets/aeterna-backup/credentials.json
{{- end }}
{{- else }}
- name: BACKUP_AZURE_ACCOUNT
  value: {{ $d.azure.storageAccount | quote }}
{{- with $d.azure.endpoint }}
- name: BACKUP_AZURE_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- if $secret }}
- name: AZURE_STORAGE_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: AZURE_STORAGE_KEY
{{- end }}
{{- end }}
{{- end -}}

{{/* Volume mounts of every backup container. */}}
{{- define "aeterna.backup.mounts" -}}
- name: scripts
  mountPath: /scripts
  readOnly: true
- name: work
  mountPath: /work
- name: tmp
  mountPath: /tmp
{{- if and (eq .Values.backup.destination.provider "gcs") .Values.backup.credentials.existingSecret }}
- name: gcs-credentials
  mountPath: /var/run/secrets/aeterna-backup
  readOnly: true
{{- end }}
{{- end -}}

{{/* Pod-level fields shared by the backup CronJobs. Argument: (list ctx component). */}}
{{- define "aeterna.backup.podSpec" -}}
{{- $ctx := index . 0 -}}
{{- $v := $ctx.Values -}}
restartPolicy: Never
serviceAccountName: {{ include "aeterna.backup.serviceAccountName" $ctx }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- include "aeterna.imagePullSecrets" (list $ctx 0) }}
securityContext:
  runAsNonRoot: true
  runAsUser: 26
  runAsGroup: 26
  fsGroup: 26
  seccompProfile:
    type: RuntimeDefault
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: scripts
    configMap:
      name: {{ include "aeterna.componentName" (list $ctx "backup-scripts") }}
      defaultMode: 0555
  - name: work
    emptyDir:
      sizeLimit: {{ $v.backup.job.scratchSizeLimit }}
  - name: tmp
    emptyDir:
      sizeLimit: 64Mi
  {{- if and (eq $v.backup.destination.provider "gcs") $v.backup.credentials.existingSecret }}
  - name: gcs-credentials
    secret:
      secretName: {{ $v.backup.credentials.existingSecret }}
      defaultMode: 0400
      items:
        - key: credentials.json
          path: credentials.json
  {{- end }}
{{- end -}}

{{/* Container fields shared by every backup container. */}}
{{- define "aeterna.backup.container" -}}
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- with .Values.backup.job.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  runAsNonRoot: true
  runAsUser: 26
  runAsGroup: 26
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  privileged: false
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* CronJob metadata + spec head. Arguments: (list ctx component schedule). The pod template follows. */}}
{{- define "aeterna.backup.cronJobHead" -}}
{{- $ctx := index . 0 -}}{{- $comp := index . 1 -}}
{{- $j := $ctx.Values.backup.job -}}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "aeterna.backup.name" (list $ctx $comp) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "aeterna.labels" $ctx | nindent 4 }}
    app.kubernetes.io/component: {{ printf "backup-%s" $comp }}
  {{- include "aeterna.annotations" $ctx }}
spec:
  schedule: {{ index . 2 | quote }}
  timeZone: Etc/UTC
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: {{ $j.startingDeadlineSeconds }}
  successfulJobsHistoryLimit: {{ $j.successfulJobsHistoryLimit }}
  failedJobsHistoryLimit: {{ $j.failedJobsHistoryLimit }}
  jobTemplate:
    metadata:
      labels:
        {{- include "aeterna.labels" $ctx | nindent 8 }}
        app.kubernetes.io/component: {{ printf "backup-%s" $comp }}
    spec:
      backoffLimit: {{ $j.backoffLimit }}
      activeDeadlineSeconds: {{ $j.activeDeadlineSeconds }}
      template:
        metadata:
          labels:
            {{- include "aeterna.labels" $ctx | nindent 12 }}
            app.kubernetes.io/component: {{ printf "backup-%s" $comp }}
            {{- with $ctx.Values.backup.podLabels }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
{{- end -}}

{{/* Object store as CloudNativePG's barmanObjectStore. Argument: (list ctx serverName). */}}
{{- define "aeterna.backup.barmanStore" -}}
{{- $ctx := index . 0 -}}
{{- $b := $ctx.Values.backup -}}
{{- $d := $b.destination -}}
{{- $secret := $b.credentials.existingSecret -}}
{{- $path := printf "%s/%s/postgresql-barman" $d.bucket $d.prefix -}}
{{- $store := dict "serverName" (index . 1) "wal" (dict "compression" "gzip") "data" (dict "compression" "gzip") -}}
{{- if eq $d.provider "s3" -}}
{{- $_ := set $store "destinationPath" (printf "s3://%s" $path) -}}
{{- with $d.s3.endpoint }}{{ $_ := set $store "endpointURL" . }}{{ end -}}
{{- with $d.s3.sse -}}
{{- $_ := set $store.wal "encryption" . -}}{{- $_ := set $store.data "encryption" . -}}
{{- end -}}
{{- if $secret -}}
{{- $creds := dict "accessKeyId" (dict "name" $secret "key" "AWS_ACCESS_KEY_ID") "secretAccessKey" (dict "name" $secret "key" "AWS_SECRET_ACCESS_KEY") -}}
{{- $_ := set $store "s3Credentials" $creds -}}
{{- else -}}
{{- $_ := set $store "s3Credentials" (dict "inheritFromIAMRole" true) -}}
{{- end -}}
{{- else if eq $d.provider "gcs" -}}
{{- $_ := set $store "destinationPath" (printf "gs://%s" $path) -}}
{{- if $secret -}}
{{- $_ := set $store "googleCredentials" (dict "applicationCredentials" (dict "name" $secret "key" "credentials.json")) -}}
{{- else -}}
{{- $_ := set $store "googleCredentials" (dict "gkeEnvironment" true) -}}
{{- end -}}
{{- else -}}
{{- $endpoint := default (printf "https://%s.blob.core.windows.net" $d.azure.storageAccount) $d.azure.endpoint -}}
{{- $_ := set $store "destinationPath" (printf "%s/%s" (trimSuffix "/" $endpoint) $path) -}}
{{- if $secret -}}
{{- $_ := set $store "azureCredentials" (dict "storageAccount" (dict "name" $secret "key" "AZURE_STORAGE_ACCOUNT") "storageKey" (dict "name" $secret "key" "AZURE_STORAGE_KEY")) -}}
{{- else -}}
{{- $_ := set $store "azureCredentials" (dict "inheritFromAzureAD" true) -}}
{{- end -}}
{{- end -}}
{{- toYaml $store -}}
{{- end -}}

{{/* Percona operator spec.backup for the bundled MongoDB. */}}
{{- define "aeterna.backup.psmdbSpec" -}}
{{- $b := .Values.backup -}}
{{- $d := $b.destination -}}
{{- $secret := default $b.credentials.existingSecret $b.mongodb.credentialsSecret -}}
{{- $prefix := printf "%s/mongodb" $d.prefix -}}
{{- $storage := dict "type" $d.provider -}}
{{- if eq $d.provider "s3" -}}
{{- $s3 := dict "bucket" $d.bucket "prefix" $prefix -}}
{{- with $d.s3.region }}{{ $_ := set $s3 "region" . }}{{ end -}}
{{- with $d.s3.endpoint }}{{ $_ := set $s3 "endpointUrl" . }}{{ $_ := set $s3 "forcePathStyle" true }}{{ end -}}
{{- with $secret }}{{ $_ := set $s3 "credentialsSecret" . }}{{ end -}}
{{- with $d.s3.sse -}}
{{- $sse := dict "sseAlgorithm" . -}}
{{- with $d.s3.sseKmsKeyId }}{{ $_ := set $sse "kmsKeyID" . }}{{ end -}}
{{- $_ := set $s3 "serverSideEncryption" $sse -}}
{{- end -}}
{{- $_ := set $storage "s3" $s3 -}}
{{- else if eq $d.provider "gcs" -}}
{{- $_ := set $storage "gcs" (dict "bucket" $d.bucket "prefix" $prefix "credentialsSecret" $secret) -}}
{{- else -}}
{{- $az := dict "container" $d.bucket "prefix" $prefix "credentialsSecret" $secret -}}
{{- with $d.azure.endpoint }}{{ $_ := set $az "endpointUrl" . }}{{ end -}}
{{- $_ := set $storage "azure" $az -}}
{{- end -}}
{{- $days := int $b.retentionDays -}}
{{- $perDay := div 86400 (int (include "aeterna.backup.intervalSeconds" (list $b.schedule 0))) | default 1 -}}
enabled: true
image: {{ include "aeterna.imageRef" (list $b.mongodb.image .Values.global) }}
storages:
  {{ $d.provider }}:
    {{- toYaml $storage | nindent 4 }}
pitr:
  enabled: true
  oplogSpanMin: 10
  compressionType: gzip
tasks:
  - name: daily
    enabled: true
    schedule: {{ $b.schedule | quote }}
    type: logical
    storageName: {{ $d.provider }}
    compressionType: gzip
    retention:
      type: count
      count: {{ max 1 (mul $days $perDay) }}
      deleteFromStorage: true
{{- end -}}

{{/* Egress to the object store (port from the S3/Azure endpoint when set, else objectStorePort). */}}
{{- define "aeterna.backup.objectStoreEgress" -}}
{{- $b := .Values.backup -}}
{{- $d := $b.destination -}}
{{- $port := $b.networkPolicy.objectStorePort -}}
{{- $endpoint := "" -}}
{{- if eq $d.provider "s3" }}{{ $endpoint = $d.s3.endpoint }}{{ else if eq $d.provider "azure" }}{{ $endpoint = $d.azure.endpoint }}{{ end -}}
{{- with $endpoint }}{{ $port = include "aeterna.urlPort" . }}{{ end -}}
- ports:
    - port: {{ $port }}
      protocol: TCP
  {{- with $b.networkPolicy.objectStoreCIDRs }}
  to:
    {{- range . }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  {{- end }}
{{- if and (eq $d.provider "gcs") $b.credentials.workloadIdentity }}
# GKE Workload Identity: the metadata server hands out the tokens.
- to:
    - ipBlock:
        cidr: 169.254.169.254/32
  ports:
    - port: 80
      protocol: TCP
    - port: 988
      protocol: TCP
{{- end }}
{{- end -}}

{{/* Ingress rule admitting a backup component's pods to a backing service. Arguments: (list ctx component ports). */}}
{{- define "aeterna.backup.ingressFrom" -}}
{{- $ctx := index . 0 -}}
- from:
    - podSelector:
        matchLabels:
          {{- include "aeterna.selectorLabels" $ctx | nindent 10 }}
          app.kubernetes.io/component: {{ printf "backup-%s" (index . 1) }}
  ports:
    {{- range (index . 2) }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end -}}

{{/* Where a vector store's API key is (dict name/key, empty when there is none), from aeterna.secretEnv. Arguments: (list ctx envName). */}}
{{- define "aeterna.backup.secretRef" -}}
{{- $ctx := index . 0 -}}
{{- range (include "aeterna.secretEnv" $ctx | fromYamlArray) -}}
{{- if eq .env (index $ 1) -}}
{{- if .existingSecret -}}
name: {{ .existingSecret }}
key: {{ .key }}
{{- else if .value -}}
name: {{ include "aeterna.fullname" $ctx }}
key: {{ .env }}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
