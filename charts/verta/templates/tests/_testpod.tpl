{{/* A helm test pod (Pod Security "restricted", the namespace default ServiceAccount without a token — a hook
renders before the chart's own ServiceAccount exists on a dry run — and the tests' NetworkPolicy).
Arguments: (list ctx name image). The container spec follows at indent 4 in the caller. */}}
{{- define "verta.test.header" -}}
{{- $ctx := index . 0 -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "verta.componentName" (list $ctx (printf "test-%s" (index . 1))) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "verta.component.labels" (list $ctx "test") | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  enableServiceLinks: false
  {{- include "verta.imagePullSecrets" (list $ctx 2) }}
  securityContext:
    {{- toYaml $ctx.Values.podSecurityContext | nindent 4 }}
  {{- with $ctx.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $ctx.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: test
      image: {{ index . 2 }}
      imagePullPolicy: Always
      resources:
        {{- toYaml $ctx.Values.tests.resources | nindent 8 }}
      securityContext:
        {{- toYaml $ctx.Values.containerSecurityContext | nindent 8 }}
{{- end -}}
