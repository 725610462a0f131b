{{/*
A helm test pod (Pod Security Standards restricted, no token, no service links) running one
shell script that must exit 0. Arguments: dict with ctx, name, image, script, env (list of
EnvVar, optional).
*/}}
{{- define "aeterna.tests.pod" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "aeterna.componentName" (list $ctx (printf "test-%s" .name)) }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "aeterna.labels" $ctx | nindent 4 }}
    app.kubernetes.io/component: test
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  enableServiceLinks: false
  {{- include "aeterna.imagePullSecrets" (list $ctx 2) }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    runAsGroup: 65534
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .name }}
      image: {{ .image }}
      imagePullPolicy: {{ $ctx.Values.tests.image.pullPolicy }}
      command:
        - sh
        - -c
        - {{ .script | quote }}
      env:
        # Clients that keep state (mongosh, psql) write under HOME; the root file system is read-only.
        - name: HOME
          value: /tmp
        {{- with .env }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      resources:
        requests:
          cpu: 10m
          memory: 32Mi
          ephemeral-storage: 1Mi
        limits:
          cpu: 200m
          memory: 256Mi
          ephemeral-storage: 50Mi
      securityContext:
        runAsNonRoot: true
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        privileged: false
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir: {}
{{- end -}}
